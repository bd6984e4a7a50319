// Prints the size of the minified bundle as shipped and as a browser downloads it gzipped.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const file = process.argv[2] ?? "dist/portcullis.min.js";
const bytes = readFileSync(file);
const gzipped = gzipSync(bytes, { level: 9 });
console.log(`${file}: ${bytes.length} bytes minified, ${gzipped.length} bytes gzipped`);
