// Compile contracts/src with the pinned solc and write ABI + bytecode to contracts/build/.
// `node build.mjs --check` compiles and exits 1 when the committed artefacts differ from the
// sources, so the Python side can never deploy bytecode that does not match what is reviewed.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";

const here = dirname(fileURLToPath(import.meta.url));
const CONTRACTS = ["RRECToken", "RRECProxy"];

function sources() {
  const files = {};
  for (const name of readdirSync(join(here, "src")).sort()) {
    if (name.endsWith(".sol")) files[`src/${name}`] = { content: readFileSync(join(here, "src", name), "utf8") };
  }
  return files;
}

function findImport(path) {
  const file = join(here, "node_modules", path);
  return existsSync(file) ? { contents: readFileSync(file, "utf8") } : { error: `not found: ${path}` };
}

function compile() {
  const input = {
    language: "Solidity",
    sources: sources(),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  if (errors.length) {
    for (const e of errors) console.error(e.formattedMessage);
    process.exit(2);
  }
  const artefacts = {};
  for (const name of CONTRACTS) {
    const compiled = output.contracts[`src/${name}.sol`][name];
    artefacts[name] = JSON.stringify(
      {
        contractName: name,
        compiler: `solc ${solc.version()}`,
        abi: compiled.abi,
        bytecode: `0x${compiled.evm.bytecode.object}`,
        deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
      },
      null,
      2,
    ) + "\n";
  }
  return artefacts;
}

const check = process.argv.includes("--check");
const artefacts = compile();
const out = join(here, "build");
let stale = [];
for (const [name, text] of Object.entries(artefacts)) {
  const file = join(out, `${name}.json`);
  if (check) {
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) stale.push(name);
  } else {
    mkdirSync(out, { recursive: true });
    writeFileSync(file, text);
  }
}
if (stale.length) {
  console.error(`stale artefacts: ${stale.join(", ")} (run: npm --prefix contracts run build)`);
  process.exit(1);
}
console.log(check ? "artefacts match the sources" : `wrote ${Object.keys(artefacts).join(", ")}`);
