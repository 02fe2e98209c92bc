// Projects Natural Earth's countries (npm package world-atlas, public domain) to SVG paths.
// Run by scripts/world_map/build.py, which keys them by ISO alpha-2 code and writes the data file.
// Prints JSON: {width, height, shapes: {numeric id: path}, centres: {numeric id: [x, y]}}.
import { readFileSync } from "node:fs";
import { geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";

const WIDTH = 1000;
const HEIGHT = 487;

function countries(file) {
  const topology = JSON.parse(readFileSync(new URL(`../../node_modules/world-atlas/${file}`, import.meta.url)));
  return feature(topology, topology.objects.countries).features.filter((f) => f.id && f.id !== "010");
}

// Shapes from the small-scale file (simplified for a world view); centres from the 50m file,
// which also has the small states the 110m file leaves out, so each can get a marker.
const shapes = countries("countries-110m.json");
const detailed = countries("countries-50m.json");
const projection = geoEqualEarth().fitSize([WIDTH, HEIGHT], { type: "FeatureCollection", features: shapes });
const path = geoPath(projection).digits(1);

function largestPart(geometry) {
  if (geometry.type !== "MultiPolygon") return geometry;
  const areas = geometry.coordinates.map((polygon) => geoPath().area({ type: "Polygon", coordinates: polygon }));
  return { type: "Polygon", coordinates: geometry.coordinates[areas.indexOf(Math.max(...areas))] };
}

const out = { width: WIDTH, height: HEIGHT, shapes: {}, centres: {} };
for (const country of shapes) out.shapes[country.id] = path(country);
for (const country of detailed) {
  // The centre of the largest part, so France's marker sits in France, not between it and Guiana.
  const [x, y] = path.centroid(largestPart(country.geometry));
  if (Number.isFinite(x)) out.centres[country.id] = [Math.round(x), Math.round(y)];
}
process.stdout.write(JSON.stringify(out));
