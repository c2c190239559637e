#!/usr/bin/env python3
"""Prints one value picked out of the JSON on stdin, for the scenario tests:
  jpath.py '.items[0].name'    jpath.py '.items | length'    jpath.py '.balance'
Strings print bare, numbers as Python prints them (2.25, 4), true/false/null
as in JSON, and other values as compact JSON."""
import json, re, sys

def pick(value, path):
    path = path.strip()
    length = False
    if path.endswith('| length'):
        length = True
        path = path[: -len('| length')].strip()
    for part in re.findall(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(-?\d+)\]', path):
        key, index = part
        if key:
            value = value[key]
        else:
            value = value[int(index)]
    return len(value) if length else value

value = pick(json.load(sys.stdin), sys.argv[1])
if isinstance(value, bool) or value is None:
    print(json.dumps(value))
elif isinstance(value, str):
    print(value)
elif isinstance(value, float) and value.is_integer():
    print(int(value))
elif isinstance(value, (int, float)):
    print(value)
else:
    print(json.dumps(value, separators=(',', ':'), sort_keys=True))
