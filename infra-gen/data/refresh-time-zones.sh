#!/usr/bin/env bash
# Rewrites time-zones.txt from the machine's IANA tz database (Debian's tzdata package).
set -euo pipefail
cd "$(dirname "$0")"
zi=/usr/share/zoneinfo/tzdata.zi
{
  echo "# IANA time zone names (zones and links), one per line, sorted: the names EventBridge Scheduler accepts"
  echo "# in ScheduleExpressionTimezone. Source: the IANA tz database $(head -1 "$zi" | sed 's/# version //'), read from Debian's tzdata"
  echo "# (/usr/share/zoneinfo/tzdata.zi, 'Z' and 'L' lines) by refresh-time-zones.sh. Public domain."
  awk '$1=="Z"{print $2} $1=="L"{print $3}' "$zi" | LC_ALL=C sort -u
} > time-zones.txt
