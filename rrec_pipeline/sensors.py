"""Sensors: react to what landed, not to the clock.

`late_meter_data_sensor` asks for a (day, source) to be normalised again when
a later fetch or a dropped file brought readings for that day.
"""

import dagster as dg

from rrec_pipeline.partitions import DAILY, meter_partition_key
from rrec_pipeline.resources.landing import LandingZone
from rrec_pipeline.tables import METER_ANOMALIES, METER_READS


@dg.sensor(
    asset_selection=dg.AssetSelection.assets(METER_READS.key, METER_ANOMALIES.key),
    minimum_interval_seconds=300,
    description="Re-normalise days for which late meter data has landed.",
)
def late_meter_data_sensor(context: dg.SensorEvaluationContext, landing_zone: LandingZone):
    seen = float(context.cursor or 0)
    newest = seen
    requested = set()
    first_day = DAILY.start.date()
    for marker in landing_zone.late_markers():
        stamp = marker.path.stat().st_mtime
        newest = max(newest, stamp)
        if stamp <= seen or marker.day < first_day or (marker.day, marker.source) in requested:
            continue
        requested.add((marker.day, marker.source))
        yield dg.RunRequest(
            partition_key=meter_partition_key(marker.day, marker.source),
            run_key=f"late-{marker.source}-{marker.day}-{stamp}",
        )
    context.update_cursor(str(newest))
