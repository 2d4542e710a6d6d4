# bench/port-lib.sh — sourced by the benches: a free loopback port.

# A loopback port nothing listens on, below the kernel's ephemeral range,
# so that no outgoing connection can take it meanwhile.
free_port () {
  /usr/bin/python3 -c '
import random, socket
for _ in range(200):
    p = random.randrange(10000, 32000)
    try:
        socket.socket().bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break'
}
