"""`bench/run.py --peer NAME`: our steps and a peer's on the same files, side by side."""

from __future__ import annotations


def report_peer(
    peer: str, readings: int, steps: tuple[str, ...], ours: dict[str, dict], theirs: dict[str, dict]
) -> None:
    """Per step and end to end: our seconds and the peer's, the ratio (ours / the peer's),
    peak RSS, and whether the two found the same numbers."""
    print(f"\nbeside the {peer} peer (ratio = ours / peer; same = the numbers agree)")
    print(f"{'step':<11} {'ours s':>7} {'peer s':>7} {'ratio':>6} {'ours MiB':>9} "
          f"{'peer MiB':>9}  same")  # fmt: skip
    for name in steps:
        if name not in ours:
            continue
        mine, other = ours[name], theirs[name]
        same = "yes" if mine["numbers"] == other["numbers"] else f"NO: {other['numbers']}"
        print(
            f"{name:<11} {mine['seconds']:7.2f} {other['seconds']:7.2f} "
            f"{mine['seconds'] / other['seconds']:6.2f} {mine['peak_mib']:9,.0f} "
            f"{other['peak_mib']:9,.0f}  {same}"
        )
    if all(name in ours for name in steps):
        mine = sum(ours[name]["seconds"] for name in steps)
        other = sum(theirs[name]["seconds"] for name in steps)
        print(
            f"{'end to end':<11} {mine:7.2f} {other:7.2f} {mine / other:6.2f} "
            f"{max(ours[n]['peak_mib'] for n in steps):9,.0f} "
            f"{max(theirs[n]['peak_mib'] for n in steps):9,.0f}  "
            f"({readings / mine / 1e6:.2f} against {readings / other / 1e6:.2f} M reads/s)"
        )
