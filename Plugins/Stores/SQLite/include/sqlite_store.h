/* The SQLite store plugin exports one symbol, the plugin entry of the ecs-scheduler ABI. */
#ifndef ECSS_SQLITE_STORE_H
#define ECSS_SQLITE_STORE_H

#include "ecss_plugin.h"

ECSS_EXPORT const ecss_plugin_descriptor *ecss_plugin_entry(void);

#endif /* ECSS_SQLITE_STORE_H */
