// The system's time zone as its current rule, cheaply: the POSIX TZ string
// at the end of its TZif file (the footer, which decides every instant
// after the file's last transition). TimeZone::System() names the zone
// through date/tz, whose first use lists all of /usr/share/zoneinfo:
// several milliseconds, a good part of the statusline's whole run. The
// budget segment's periods (this day, week, month) lie after the last
// transition of every zone whose rules have not just changed, so the
// footer lays them out as the full zone would.
#pragma once

#include <string>

#include "core/result.h"
#include "time/time_zone.h"

namespace cc {

// The footer of the TZif file at `path` as a zone; an error when the file
// is not TZif version 2 or later or its footer is empty or not a rule.
Result<TimeZone> ZoneFromTzifFooter(const std::string& path);

// $TZ (a zone name, ":name", a path, or a POSIX TZ string) or
// /etc/localtime, by its footer; TimeZone::System() when that fails.
TimeZone CurrentSystemZone();

}  // namespace cc
