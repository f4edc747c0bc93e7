#!/usr/bin/env python3
"""ctest log_docs: the broker's log lines are the ones docs/operations.md lists.

Reads every log call in the broker's sources (broker/*.cc and
common/transport/*.cc, tests excluded), joins the string literals of its
format string, and checks that docs/operations.md's "Logs" table has a row
whose message is the module's name (`broker`, `transport`), a colon and
that format, each `{}` written as a placeholder in angle brackets (`<org>`,
`<N>`): the line as printed after its level. Every call must go through
its module's logger (`Logger()->info(...)`), never spdlog's default logger. Then the other way round: every message in
the table must come from some spdlog call, so the table never lists a line
the broker does not print. Levels must agree too (spdlog's `warn` is written
`warning`, as spdlog prints it).

usage: log_docs_test.py <source-root> <docs/operations.md>
"""
import re
import sys

LEVELS = {"trace": "trace", "debug": "debug", "info": "info", "warn": "warning",
          "error": "error", "critical": "critical"}

CALL = re.compile(r'(spdlog::|Logger\(\)->)(trace|debug|info|warn|error|critical)\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')
# The module logger of each folder (its logger.cc).
MODULES = {"broker": "broker", "common/transport": "transport"}
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def normalise(message):
    """Placeholders (`{}` in code, `<...>` in the docs) all become `<>`."""
    message = re.sub(r"\{[^{}]*\}", "<>", message)
    message = re.sub(r"<[^<>]*>", "<>", message)
    return message.strip()


def code_messages(root):
    import pathlib
    found = {}
    default_logger_calls = []
    for folder, module in MODULES.items():
        for path in sorted(pathlib.Path(root, folder).glob("*.cc")):
            if path.name.endswith("_test.cc"):
                continue
            text = path.read_text()
            for call in CALL.finditer(text):
                fmt = "".join(LITERAL.findall(call.group(3)))
                line = text.count("\n", 0, call.start()) + 1
                where = f"{path.relative_to(root)}:{line}"
                if call.group(1) == "spdlog::":
                    default_logger_calls.append(where)
                found.setdefault((LEVELS[call.group(2)], normalise(f"{module}: {fmt}")), where)
    return found, default_logger_calls


def doc_messages(doc):
    text = open(doc, encoding="utf-8").read()
    start = text.find("\n## Logs")
    if start < 0:
        sys.exit(f"FAIL: no '## Logs' section in {doc}")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else len(text)]
    found = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] not in LEVELS.values():
            continue
        # One row may name several messages, separated by " / ".
        for message in re.findall(r"`([^`]*)`", cells[1]):
            found[(cells[0], normalise(message))] = row.strip()
    if not found:
        sys.exit(f"FAIL: no log table rows (| level | `message` | when |) in {doc}")
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    code, default_logger_calls = code_messages(sys.argv[1])
    docs = doc_messages(sys.argv[2])
    problems = [f"{where}: logs through spdlog's default logger; use the module's Logger()"
                for where in default_logger_calls]
    for (level, message), where in sorted(code.items()):
        if (level, message) not in docs:
            problems.append(f"{where}: {level} `{message}` is not in the Logs table of {sys.argv[2]}")
    for (level, message), row in sorted(docs.items()):
        if (level, message) not in code:
            problems.append(f"{sys.argv[2]}: {level} `{message}` is printed by no log call (row: {row})")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"log_docs: {len(code)} log messages, each documented with its level")


if __name__ == "__main__":
    main()
