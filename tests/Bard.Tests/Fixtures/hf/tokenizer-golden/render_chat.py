import json, sys
from datetime import datetime
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols
def raise_exception(message): raise jinja2.exceptions.TemplateError(message)
def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
convs = {
 "system_user_gen": ([{"role":"system","content":"You are a careful math tutor."},{"role":"user","content":"What is 17 * 23?"}], True),
 "multi_turn_gen": ([{"role":"system","content":"Answer briefly.\nUse LaTeX: $x^2$."},{"role":"user","content":"Hi! 你好 😀"},{"role":"assistant","content":"Hello. How can I help?"},{"role":"user","content":"Solve x+1=3."}], True),
 "user_assistant": ([{"role":"user","content":"Say \"ok\" & stop."},{"role":"assistant","content":"ok"}], False),
 "user_only_gen": ([{"role":"user","content":"  spaced  \n\n lines  "}], True),
 "non_alternating": ([{"role":"user","content":"a"},{"role":"user","content":"b"}], True),
}
fam, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
cfg = json.load(open(src))
tmpl = env.from_string(cfg["chat_template"])
def tok(v):
    if isinstance(v, dict): return v.get("content")
    return v
special = {k: tok(cfg[k]) for k in ["bos_token","eos_token","pad_token","unk_token"] if cfg.get(k) is not None}
with open(out, "w") as f:
    for name, (msgs, gen) in convs.items():
        rec = {"id": name, "messages": msgs, "add_generation_prompt": gen, "variables": {"date_string": "26 Jul 2024"}, "special_tokens": special}
        try:
            rec["rendered"] = tmpl.render(messages=msgs, tools=None, documents=None, add_generation_prompt=gen, date_string="26 Jul 2024", **special)
        except jinja2.exceptions.TemplateError as e:
            rec["error"] = str(e)
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
