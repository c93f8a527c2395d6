// Renders one .docx per context with docxtemplater, single-threaded, writing each to disk.
// Usage: node docxtemplater_bench.js TEMPLATE.docx CONTEXTS.json OUT_DIR  -> prints {"docs", "seconds", "peak_mb"}
const fs = require("fs");
const path = require("path");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");

const [templatePath, dataPath, outDir] = process.argv.slice(2);
const content = fs.readFileSync(templatePath, "binary");
const contexts = JSON.parse(fs.readFileSync(dataPath, "utf8"));
const started = process.hrtime.bigint();
contexts.forEach((context, index) => {
  const doc = new Docxtemplater(new PizZip(content), { paragraphLoop: true, linebreaks: true });
  doc.render(context);
  const buffer = doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
  fs.writeFileSync(path.join(outDir, `${index}.docx`), buffer);
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const peak = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ docs: contexts.length, seconds, peak_mb: peak }));
