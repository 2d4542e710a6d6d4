/* bench-preferences.h — the preferences: the local AE (title, Storage SCP
 * port and folder, accepted calling AE titles) */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_PREFERENCES (bench_preferences_get_type ())
G_DECLARE_FINAL_TYPE (BenchPreferences, bench_preferences, BENCH, PREFERENCES,
                      AdwPreferencesWindow)

/* Changes go to settings at once; the engine restarts the Storage SCP. */
GtkWidget *bench_preferences_new (BenchEngine *engine, GSettings *settings);

G_END_DECLS
