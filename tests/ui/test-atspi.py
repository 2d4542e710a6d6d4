#!/usr/bin/python3
"""test-atspi.py — the application seen through the accessibility tree
(AT-SPI), as a screen reader or dogtail sees it: the demo archive is
listed, the Test button runs a node test whose result a user can read, and
the node's row then says so. Run under xvfb-run and dbus-run-session (see
meson.build); argv[1] is the dimsebench program."""

import os
import subprocess
import sys
import tempfile
import time

import pyatspi

TIMEOUT_S = 120


def wait_for(what, find, timeout=TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found is not None:
            return found
        time.sleep(0.25)
    sys.exit(f"FAIL: no {what} within {timeout} s")


def descendants(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    for child in node:
        yield from descendants(child, depth + 1)


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.name == "dimsebench":
            return app
    return None


def find(root, role, predicate):
    for node in descendants(root):
        try:
            if node.getRoleName() == role and predicate(node.name or ""):
                return node
        except Exception:  # a node that went away while we looked
            continue
    return None


def main():
    program = sys.argv[1]
    home = tempfile.mkdtemp(prefix="dimsebench-atspi-")
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=f"{home}/.config",
               XDG_CACHE_HOME=f"{home}/.cache", XDG_DATA_HOME=f"{home}/.local/share",
               GSETTINGS_BACKEND="memory")
    env.pop("GTK_A11Y", None)
    app_process = subprocess.Popen([program], env=env)
    launches = 1

    def started():
        # Under a loaded machine the X server may refuse the very first
        # client for a moment: start again rather than fail.
        nonlocal app_process, launches
        if app_process.poll() is not None and launches < 5:
            time.sleep(1)
            app_process = subprocess.Popen([program], env=env)
            launches += 1
        return find_app()

    try:
        app = wait_for("application on the accessibility bus", started)
        row = wait_for("'Demo archive' row", lambda: find(
            app, "list item", lambda n: n.startswith("Demo archive, DEMO_ARCHIVE@127.0.0.1:")))
        print("row:", row.name)
        test_button = wait_for("Test button", lambda: find(
            app, "push button", lambda n: n == "Test"))
        test_button.queryAction().doAction(0)
        result = wait_for("C-ECHO result", lambda: find(
            app, "label", lambda n: n == "Success (0000H)"))
        print("result:", result.name)
        wait_for("the implementation version name", lambda: find(
            app, "label", lambda n: n == "DIMSEBENCH_010"))
        row = wait_for("row with the test's outcome", lambda: find(
            app, "list item", lambda n: n.startswith("Demo archive,")
            and n.endswith("Last test succeeded")))
        print("row:", row.name)
    finally:
        app_process.terminate()
        app_process.wait(timeout=30)
    print("PASS")


if __name__ == "__main__":
    main()
