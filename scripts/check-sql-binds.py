#!/usr/bin/env python3
"""Checks that every db_query/db_query_locked/db_lock/db_run/db_int/db_double call binds as many
parameters as its SQL has placeholders ('?'), since C cannot check varargs.
Run by the test suite (tests/cli/t0000-sources.sh)."""
import re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
bad = 0
call = re.compile(r'\bdb_(query|query_locked|lock|run|int|double)\s*\(', re.S)
for path in sorted((root / 'lib').glob('*.c')):
    text = path.read_text()
    for m in call.finditer(text):
        # collect the argument list up to the matching parenthesis
        i, depth = m.end(), 1
        while depth and i < len(text):
            if text[i] == '(':
                depth += 1
            elif text[i] == ')':
                depth -= 1
            elif text[i] == '"':
                i += 1
                while text[i] != '"':
                    i += 2 if text[i] == '\\' else 1
            i += 1
        args = text[m.end():i - 1]
        # string literals in order: the SQL (adjacent literals joined), then the types
        parts, j = [], 0
        literals = []
        for lm in re.finditer(r'"((?:[^"\\]|\\.)*)"', args):
            literals.append((lm.start(), lm.end(), lm.group(1)))
        if len(literals) < 2:
            continue
        # join adjacent literals (separated only by white space, or by a
        # macro of SQL text such as DB_BYTE_ORDER)
        groups = [[literals[0]]]
        for lit in literals[1:]:
            between = args[groups[-1][-1][1]:lit[0]]
            if between.strip() in ('', 'DB_BYTE_ORDER'):
                groups[-1].append(lit)
            else:
                groups.append([lit])
        sql = ''.join(g[2] for g in groups[0])
        types = ''.join(g[2] for g in groups[1])
        line = text[:m.start()].count('\n') + 1
        if sql.count('?') != len(types):
            print(f'{path.name}:{line}: {sql.count("?")} placeholders, {len(types)} bind types "{types}"')
            bad += 1
sys.exit(1 if bad else 0)
