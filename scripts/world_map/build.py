"""Build incubator/data/world_map.json, the world map's shapes, from Natural Earth (npm world-atlas).

Run once after changing the projection or the package version (needs node and `npm ci`):

    .venv/bin/python scripts/world_map/build.py

project.mjs projects the countries with d3-geo; this script keys them by ISO 3166-1 alpha-2 code
(django-countries maps Natural Earth's numeric codes), rounds every point to a whole unit of the
1000-wide picture and writes each ring as relative moves, which is what keeps the file small.
"""

import json
import re
import subprocess
from pathlib import Path

from django.conf import settings

# django-countries reads Django's settings; its defaults are all this script needs.
settings.configure()

from django_countries import countries  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "incubator" / "data" / "world_map.json"
POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def rings(path):
    """The closed rings of a d3 path ("M x,y L x,y ... Z"), as lists of rounded points."""
    for ring in path.split("M")[1:]:
        points = []
        for x, y in POINT.findall(ring):
            point = (round(float(x)), round(float(y)))
            if not points or points[-1] != point:
                points.append(point)
        if len(points) >= 3:
            yield points


def compact(path):
    """The same shape as relative moves between whole units: 'M477 118l1-1 1 0...z'."""
    parts = []
    for points in rings(path):
        (x, y), rest = points[0], points[1:]
        moves = []
        for nx, ny in rest:
            moves.append(f"{nx - x} {ny - y}")
            x, y = nx, ny
        parts.append(f"M{points[0][0]} {points[0][1]}l" + " ".join(moves) + "z")
    return re.sub(r" -", "-", "".join(parts))


def alpha2(numeric):
    return countries.alpha2(int(numeric)) or None


def main():
    projected = json.loads(
        subprocess.run(  # noqa: S603 (fixed arguments)
            ["node", str(ROOT / "scripts" / "world_map" / "project.mjs")],  # noqa: S607
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    )
    shapes = {alpha2(n): compact(path) for n, path in projected["shapes"].items() if alpha2(n)}
    centres = {alpha2(n): xy for n, xy in projected["centres"].items() if alpha2(n)}
    data = {
        "source": "Natural Earth 1:110m countries (shapes) and 1:50m (centres), via the npm package world-atlas",
        "width": projected["width"],
        "height": projected["height"],
        "shapes": dict(sorted((code, d) for code, d in shapes.items() if d)),
        "centres": dict(sorted(centres.items())),
    }
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUTPUT.name}: {len(data['shapes'])} shapes, {len(data['centres'])} centres, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
