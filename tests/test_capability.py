"""Capabilities: canonical strings, parse errors, subsumption tables and glob properties."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from itertools import permutations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from verifier import glob
from verifier.capability import _COVERS, ANY, Capability, CapabilityError, Kind

P = Capability.parse
_DEEP = settings().max_examples >= 1000  # HYPOTHESIS_PROFILE=long, when a profile sets it
FAST = settings(max_examples=settings().max_examples if _DEEP else 50, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

SAMPLE_SCOPE = {
    Kind.FS_READ: "${WORKSPACE}/a.txt", Kind.FS_WRITE: "~/out", Kind.FS_DELETE: "/tmp/x",
    Kind.NET_CONNECT: "api.example.com:443", Kind.NET_LISTEN: "8080",
    Kind.PROC_EXEC: "git push", Kind.ENV_READ: "HOME", Kind.CODE_DYNAMIC: "eval",
    Kind.CODE_INSTALL: "pip:requests", Kind.AGENT_TOOL: "Bash(git:*)",
    Kind.AGENT_INVOKE: "pdf-tools", Kind.MAIL_READ: "INBOX", Kind.MAIL_SEND: "me@example.com",
    Kind.MAIL_DELETE: "Trash",
}


# --- parse and print -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(Kind))
def test_bare_kind_is_kind_star(kind: Kind) -> None:
    assert P(str(kind.value)) == Capability(kind, "*")
    assert P(f"{kind.value}(*)") == Capability(kind, "*")
    assert P(f"{kind.value}(**)") == Capability(kind, "*")
    assert str(P(kind.value)) == f"{kind.value}(*)"


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_prints_kind_paren_scope(kind: Kind) -> None:
    text = f"{kind.value}({SAMPLE_SCOPE[kind]})"
    assert str(P(text)) == text


@pytest.mark.parametrize(("text", "canonical"), [
    # paths: ~ for $HOME, relative paths in the workspace, no . / .. / empty segments
    ("fs.read($HOME/x)", "fs.read(~/x)"),
    ("fs.read(${HOME}/x)", "fs.read(~/x)"),
    ("fs.read($HOME)", "fs.read(~)"),
    ("fs.read(${HOME})", "fs.read(~)"),
    ("fs.read(~)", "fs.read(~)"),
    ("fs.read(~/.ssh/./id_rsa)", "fs.read(~/.ssh/id_rsa)"),
    ("fs.write(a/b.txt)", "fs.write(${WORKSPACE}/a/b.txt)"),
    ("fs.write(./a/../b/)", "fs.write(${WORKSPACE}/b)"),
    ("fs.delete(.)", "fs.delete(${WORKSPACE})"),
    ("fs.read(${WORKSPACE}/x/)", "fs.read(${WORKSPACE}/x)"),
    ("fs.read(${SKILL_DIR}/scripts//run.py)", "fs.read(${SKILL_DIR}/scripts/run.py)"),
    ("fs.read(/etc//hosts)", "fs.read(/etc/hosts)"),
    ("fs.read(/)", "fs.read(/)"),
    ("fs.read(/a/b/../c)", "fs.read(/a/c)"),
    ("fs.read(**/.env)", "fs.read(**/.env)"),
    ("fs.read(~/.ssh/**)", "fs.read(~/.ssh/**)"),
    # climbing above an anchor could be anywhere
    ("fs.read(..)", "fs.read(*)"),
    ("fs.read(../x)", "fs.read(*)"),
    ("fs.read(a/../../x)", "fs.read(*)"),
    ("fs.read(~/../x)", "fs.read(*)"),
    ("fs.write(${SKILL_DIR}/../x)", "fs.write(*)"),
    ("fs.delete(${WORKSPACE}/..)", "fs.delete(*)"),
    ("fs.read(/..)", "fs.read(*)"),
    # whitespace around the parts
    ("  fs.read ( ~/x )  ", "fs.read(~/x)"),
    # hosts are lower-cased, the root dot dropped
    ("net.connect(API.Example.COM)", "net.connect(api.example.com)"),
    ("net.connect(example.com.)", "net.connect(example.com)"),
    ("net.connect(*.Example.com:443)", "net.connect(*.example.com:443)"),
    ("net.listen(8080)", "net.listen(8080)"),
    # argv: the program is its basename, words are single-spaced
    ("proc.exec(/usr/bin/git status)", "proc.exec(git status)"),
    ("proc.exec(./scripts/run.sh --fast)", "proc.exec(run.sh --fast)"),
    ("proc.exec(git   push\torigin)", "proc.exec(git push origin)"),
    ("proc.exec(git /tmp/a/b)", "proc.exec(git /tmp/a/b)"),
    # install: a bare manager is any package of it
    ("code.install(pip)", "code.install(pip:*)"),
    ("code.install(pip:requests)", "code.install(pip:requests)"),
    ("code.install(download:https://x.io/y.sh)", "code.install(download:https://x.io/y.sh)"),
    # other kinds keep their scope as written
    ("env.read(AWS_*)", "env.read(AWS_*)"),
    ("env.read(path)", "env.read(path)"),
    ("code.dynamic(eval)", "code.dynamic(eval)"),
    ("agent.tool(Bash(git:*))", "agent.tool(Bash(git:*))"),
    ("agent.tool(mcp__srv__tool)", "agent.tool(mcp__srv__tool)"),
    ("agent.invoke(pdf)", "agent.invoke(pdf)"),
    ("mail.read(INBOX)", "mail.read(INBOX)"),
    ("mail.delete", "mail.delete(*)"),
])
def test_canonical_string(text: str, canonical: str) -> None:
    capability = P(text)
    assert str(capability) == canonical
    assert P(canonical) == capability


def test_parse_builds_the_kind_enum_and_scope() -> None:
    capability = P("proc.exec(/bin/rm -rf)")
    assert capability.kind is Kind.PROC_EXEC
    assert capability.scope == "rm -rf"
    assert capability == Capability.of("proc.exec", "/bin/rm -rf")
    assert capability == Capability.of(Kind.PROC_EXEC, "rm   -rf")


def test_overlong_scope_widens_to_star() -> None:
    assert P("env.read(" + "A" * 513 + ")") == Capability(Kind.ENV_READ, ANY)
    assert P("env.read(" + "A" * 512 + ")") == Capability(Kind.ENV_READ, "A" * 512)


@pytest.mark.parametrize("text", [
    "", "   ", "fs", "fs.", "read", "fs.read(", "fs.read(x", "fs.readx)", "fs.read x",
    "fs.read()", "fs.read(  )", "fs.read(\t)", "foo.bar(x)", "fs.execute(x)", "FS.READ(x)",
    "Fs.read(x)", "(x)", "fs.read(x) y", "fs.read.x(y)", "fs.read(x)(", "fs_read(x)",
    "fs.read[x]",
])
def test_parse_errors(text: str) -> None:
    with pytest.raises(CapabilityError):
        P(text)


def test_capability_error_is_a_value_error_with_a_message() -> None:
    with pytest.raises(ValueError, match="unknown kind 'foo.bar'"):
        P("foo.bar(x)")
    with pytest.raises(CapabilityError, match="empty scope"):
        P("fs.read()")
    with pytest.raises(CapabilityError, match="expected kind"):
        P("garbage!")


# --- subsumption tables ----------------------------------------------------------------------

SUBSUMPTION = [
    # path globs: ** crosses folders and also means "nothing more"
    ("fs.read(~/.ssh/**)", "fs.read(~/.ssh/id_rsa)", True),
    ("fs.read(~/.ssh/**)", "fs.read(~/.ssh)", True),
    ("fs.read(~/.ssh/**)", "fs.read(~/.ssh/a/b)", True),
    ("fs.read(~/.ssh/**)", "fs.read(~/.ssh/*)", True),
    ("fs.read(~/.ssh/**)", "fs.read(~/.sshx)", False),
    ("fs.read(~/.ssh/**)", "fs.read(~/.aws/credentials)", False),
    ("fs.read(~/.ssh/**)", "fs.read(~)", False),
    ("fs.read(~/.ssh/*)", "fs.read(~/.ssh/id_rsa)", True),
    ("fs.read(~/.ssh/*)", "fs.read(~/.ssh/a/b)", False),
    ("fs.read(~/.ssh/*)", "fs.read(~/.ssh)", False),
    ("fs.read(~/.ssh/*)", "fs.read(~/.ssh/**)", False),
    ("fs.write(${WORKSPACE}/*)", "fs.write(${WORKSPACE}/a)", True),
    ("fs.write(${WORKSPACE}/*)", "fs.write(${WORKSPACE}/a/b)", False),
    ("fs.write(${WORKSPACE}/*)", "fs.write(${WORKSPACE}/**)", False),
    ("fs.write(${WORKSPACE}/**)", "fs.write(${WORKSPACE}/a/b)", True),
    ("fs.write(${WORKSPACE}/**)", "fs.write(${WORKSPACE}/*/x)", True),
    ("fs.write(${WORKSPACE}/**)", "fs.write(${WORKSPACE})", True),
    ("fs.write(${WORKSPACE}/**)", "fs.write(out.txt)", True),
    ("fs.read(a/**/b)", "fs.read(a/b)", True),
    ("fs.read(a/**/b)", "fs.read(a/x/b)", True),
    ("fs.read(a/**/b)", "fs.read(a/x/y/b)", True),
    ("fs.read(a/**/b)", "fs.read(a/xb)", False),
    ("fs.read(a/**/b)", "fs.read(a/b/c)", False),
    ("fs.read(a/**/b)", "fs.read(b)", False),
    ("fs.read(a/**)", "fs.read(a)", True),
    ("fs.read(a/b)", "fs.read(a/**/b)", False),
    ("fs.read(${WORKSPACE}/?.txt)", "fs.read(${WORKSPACE}/a.txt)", True),
    ("fs.read(${WORKSPACE}/?.txt)", "fs.read(${WORKSPACE}/ab.txt)", False),
    ("fs.read(${WORKSPACE}/?.txt)", "fs.read(${WORKSPACE}/*.txt)", False),
    ("fs.read(${WORKSPACE}/*.txt)", "fs.read(${WORKSPACE}/?.txt)", True),
    # ** patterns without an anchor match under every anchor
    ("fs.read(**/.env)", "fs.read(${WORKSPACE}/.env)", True),
    ("fs.read(**/.env)", "fs.read(~/a/b/.env)", True),
    ("fs.read(**/.env)", "fs.read(/.env)", True),
    ("fs.read(**/.env)", "fs.read(${WORKSPACE}/.envrc)", False),
    ("fs.read(**/.env)", "fs.read(${WORKSPACE}/x.env)", False),
    ("fs.read(**/*.pem)", "fs.read(~/certs/key.pem)", True),
    ("fs.read(**/*.pem)", "fs.read(~/certs/key.pem.bak)", False),
    # the anchors are distinct places
    ("fs.read(~/**)", "fs.read(~/.bashrc)", True),
    ("fs.read(~/**)", "fs.read(/home/u/.bashrc)", False),
    ("fs.read(~/**)", "fs.read(${WORKSPACE}/x)", False),
    ("fs.read(/**)", "fs.read(~/x)", False),
    ("fs.read(/**)", "fs.read(/etc/hosts)", True),
    ("fs.read(${SKILL_DIR}/**)", "fs.read(${WORKSPACE}/x)", False),
    ("fs.read(${WORKSPACE}/**)", "fs.read(${SKILL_DIR}/x)", False),
    ("fs.read(${SKILL_DIR}/**)", "fs.read(${SKILL_DIR}/scripts/a.py)", True),
    ("fs.read($HOME/**)", "fs.read(~/x)", True),
    ("fs.read(~/x)", "fs.read(${HOME}/x)", True),
    # the bare kind and *
    ("fs.read", "fs.read(~/.ssh/id_rsa)", True),
    ("fs.read(*)", "fs.read(**/x)", True),
    ("fs.read(~/**)", "fs.read(*)", False),
    ("fs.read(**)", "fs.read(*)", True),
    ("fs.read(**/*)", "fs.read(*)", False),
    # hosts
    ("net.connect(*.example.com)", "net.connect(a.example.com)", True),
    ("net.connect(*.example.com)", "net.connect(a.b.example.com)", True),
    ("net.connect(*.example.com)", "net.connect(example.com)", False),
    ("net.connect(*.example.com)", "net.connect(evilexample.com)", False),
    ("net.connect(*.example.com)", "net.connect(a.example.com.evil.io)", False),
    ("net.connect(*.example.com)", "net.connect(*.a.example.com)", True),
    ("net.connect(*.a.example.com)", "net.connect(*.example.com)", False),
    ("net.connect(*.example.com)", "net.connect(a.example.com:8443)", True),
    ("net.connect(api.x.com)", "net.connect(api.x.com:443)", True),
    ("net.connect(api.x.com)", "net.connect(API.X.COM)", True),
    ("net.connect(api.x.com)", "net.connect(api.x.co)", False),
    ("net.connect(api.x.com:443)", "net.connect(api.x.com)", False),
    ("net.connect(api.x.com:443)", "net.connect(api.x.com:80)", False),
    ("net.connect(api.x.com:443)", "net.connect(api.x.com:443)", True),
    ("net.connect(api.x.com:443)", "net.connect(api.x.com:*)", False),
    ("net.connect(api.x.com:*)", "net.connect(api.x.com:8080)", True),
    ("net.connect(api.x.com:*)", "net.connect(api.x.com)", True),
    ("net.connect(*:443)", "net.connect(a.com:443)", True),
    ("net.connect(*:443)", "net.connect(a.com)", False),
    ("net.connect(*:443)", "net.connect(a.com:80)", False),
    ("net.listen(80*)", "net.listen(8080)", True),
    ("net.listen(8080)", "net.listen(80)", False),
    # argv prefixes on word boundaries
    ("proc.exec(git)", "proc.exec(git push)", True),
    ("proc.exec(git)", "proc.exec(git)", True),
    ("proc.exec(git)", "proc.exec(gitk)", False),
    ("proc.exec(git)", "proc.exec(git-lfs pull)", False),
    ("proc.exec(git push)", "proc.exec(git)", False),
    ("proc.exec(git push)", "proc.exec(git push --force origin)", True),
    ("proc.exec(git push)", "proc.exec(git pull)", False),
    ("proc.exec(git push)", "proc.exec(git pushx)", False),
    ("proc.exec(git *)", "proc.exec(git push)", True),
    ("proc.exec(git *)", "proc.exec(git)", False),
    ("proc.exec(g*)", "proc.exec(gitk --all)", True),
    ("proc.exec(git)", "proc.exec(g*)", False),
    ("proc.exec(git)", "proc.exec(/usr/bin/git status)", True),
    ("proc.exec(/usr/local/bin/git)", "proc.exec(git log)", True),
    ("proc.exec(npm run test)", "proc.exec(npm run test --ci)", True),
    ("proc.exec(npm run test)", "proc.exec(npm run test -- --ci)", True),
    ("proc.exec(npm run test)", "proc.exec(npm run test:ci)", False),
    ("proc.exec(npm run test)", "proc.exec(npm run testing)", False),
    ("proc.exec(npm run test -- --ci)", "proc.exec(npm run test)", False),
    ("proc.exec(npm run test -- --ci)", "proc.exec(npm run test -- --ci --watch)", True),
    ("proc.exec(python -c *)", "proc.exec(python -c print(1))", True),
    # environment variable globs
    ("env.read(AWS_*)", "env.read(AWS_SECRET_ACCESS_KEY)", True),
    ("env.read(AWS_*)", "env.read(AWS_)", True),
    ("env.read(AWS_*)", "env.read(MY_AWS)", False),
    ("env.read(AWS_*)", "env.read(aws_region)", False),
    ("env.read(*_TOKEN)", "env.read(GITHUB_TOKEN)", True),
    ("env.read(*_TOKEN)", "env.read(TOKEN)", False),
    ("env.read(*_TOKEN)", "env.read(GITHUB_TOKENS)", False),
    ("env.read(*_TOKEN)", "env.read(AWS_*_TOKEN)", True),
    ("env.read(AWS_*_TOKEN)", "env.read(*_TOKEN)", False),
    ("env.read(HOME)", "env.read(HOMEDIR)", False),
    ("env.read(A?)", "env.read(AB)", True),
    ("env.read(A?)", "env.read(A)", False),
    ("env.read(A?)", "env.read(A*)", False),
    # agent tools
    ("agent.tool(Bash)", "agent.tool(Bash(git:*))", True),
    ("agent.tool(Bash)", "agent.tool(Bash)", True),
    ("agent.tool(Bash)", "agent.tool(BashOutput)", False),
    ("agent.tool(Bash(git:*))", "agent.tool(Bash)", False),
    ("agent.tool(Bash(git:*))", "agent.tool(Bash(git:log))", True),
    ("agent.tool(Bash(git:*))", "agent.tool(Bash(npm:*))", False),
    ("agent.tool(WebFetch)", "agent.tool(WebFetch(domain:x.com))", True),
    ("agent.tool(mcp__srv__*)", "agent.tool(mcp__srv__tool)", True),
    ("agent.tool(mcp__srv__*)", "agent.tool(mcp__other__tool)", False),
    # other glob kinds
    ("code.install(pip)", "code.install(pip:requests)", True),
    ("code.install(pip:*)", "code.install(npm:requests)", False),
    ("code.install(pip:requests)", "code.install(pip)", False),
    ("code.dynamic(eval)", "code.dynamic(exec)", False),
    ("mail.read(INBOX)", "mail.read(INBOX/Sub)", False),
    ("mail.read(INBOX*)", "mail.read(INBOX/Sub)", True),
    ("agent.invoke(pdf-*)", "agent.invoke(pdf-tools)", True),
    ("agent.invoke(pdf-tools)", "agent.invoke(pdf)", False),
]


@pytest.mark.parametrize(("wide", "narrow", "expected"), SUBSUMPTION)
def test_subsumption(wide: str, narrow: str, expected: bool) -> None:
    assert P(wide).covers(P(narrow)) is expected


@pytest.mark.parametrize("kind", list(Kind))
def test_bare_kind_covers_every_scope_of_its_kind(kind: Kind) -> None:
    bare = P(kind.value)
    assert bare.covers(P(f"{kind.value}({SAMPLE_SCOPE[kind]})")) is True
    assert bare.covers(Capability(kind, ANY)) is True
    assert P(f"{kind.value}({SAMPLE_SCOPE[kind]})").covers(bare) is False


@pytest.mark.parametrize(("wide", "narrow"), list(permutations(Kind, 2)))
def test_different_kinds_never_cover_each_other(wide: Kind, narrow: Kind) -> None:
    assert Capability(wide, ANY).covers(Capability(narrow, ANY)) is False
    assert Capability(wide, ANY).covers(Capability(narrow, SAMPLE_SCOPE[narrow])) is False


# --- glob ------------------------------------------------------------------------------------

def oracle(pattern: str, text: str, sep: str | None) -> bool:
    """An independent regex reading of the glob rules."""
    rx = ""
    for token in re.findall(r"\*\*+|\*|\?|[^*?]", pattern):
        if token.startswith("**") or (token == "*" and sep is None):
            rx += ".*"
        elif token == "*":
            rx += f"[^{re.escape(sep)}]*"
        elif token == "?":
            rx += "." if sep is None else f"[^{re.escape(sep)}]"
        else:
            rx += re.escape(token)
    return re.fullmatch(rx, text, re.DOTALL) is not None


@pytest.mark.parametrize(("pattern", "text", "sep", "expected"), [
    ("*.py", "a.py", None, True),
    ("*.py", "a/b.py", None, True),
    ("*.py", "a/b.py", "/", False),
    ("**.py", "a/b.py", "/", True),
    ("a/**", "a/b/c", "/", True),
    ("a/**", "a", "/", False),
    ("a/*/c", "a/b/c", "/", True),
    ("a/*/c", "a/b/x/c", "/", False),
    ("a?c", "abc", None, True),
    ("a?c", "a/c", "/", False),
    ("a?c", "ac", None, False),
    ("***", "x/y", "/", True),
    ("", "", None, True),
    ("", "a", None, False),
    ("abc", "abc", "/", True),
    ("abc", "abd", "/", False),
])
def test_glob_matches_simple_cases(pattern: str, text: str, sep: str | None,
                                   expected: bool) -> None:
    assert glob.matches(pattern, text, sep) is expected
    assert oracle(pattern, text, sep) is expected


def test_tokenize() -> None:
    assert glob.tokenize("a*?**b***", "/") == ("a", glob.STAR, glob.ANY, glob.DSTAR, "b",
                                              glob.DSTAR)
    assert glob.tokenize("a*b", None) == ("a", glob.DSTAR, "b")


@pytest.mark.parametrize(("pattern", "variants"), [
    ("a/**/b", ("a/**/b", "a/b")),
    ("a/**", ("a", "a/**")),
    ("a/**/b/**", ("a/**/b", "a/**/b/**", "a/b", "a/b/**")),
    ("/**", ("/**",)),
    ("a/b", ("a/b",)),
])
def test_path_variants(pattern: str, variants: tuple[str, ...]) -> None:
    assert glob.path_variants(pattern) == variants


GLOB_TEXT = st.lists(st.sampled_from(["a", "b", "/", "*", "**", "?"]), max_size=7).map("".join)
PLAIN_TEXT = st.lists(st.sampled_from(["a", "b", "/"]), max_size=7).map("".join)
SEPS = st.sampled_from([None, "/"])


@FAST
@given(GLOB_TEXT, SEPS)
def test_glob_includes_is_reflexive(pattern: str, sep: str | None) -> None:
    assert glob.includes(pattern, pattern, sep) is True


@FAST
@given(st.lists(st.sampled_from(["a", "b", "*", "?"]), max_size=6).map("".join),
       st.lists(st.sampled_from(["a", "b"]), max_size=6).map("".join))
def test_glob_matches_agrees_with_fnmatch_without_separator(pattern: str, text: str) -> None:
    assert glob.matches(pattern, text) is fnmatchcase(text, pattern)


@FAST
@given(GLOB_TEXT, PLAIN_TEXT, SEPS)
def test_glob_matches_agrees_with_the_oracle(pattern: str, text: str, sep: str | None) -> None:
    assert glob.matches(pattern, text, sep) is oracle(pattern, text, sep)


def fill(draw: st.DrawFn, pattern: str, sep: str | None) -> str:
    """A concrete string that ``pattern`` matches, wildcards replaced by random text."""
    out = ""
    for token in re.findall(r"\*\*+|\*|\?|[^*?]", pattern):
        if token.startswith("**") or (token == "*" and sep is None):
            out += draw(st.text("ab/", max_size=4))
        elif token == "*":
            out += draw(st.text("ab", max_size=3))
        elif token == "?":
            out += draw(st.sampled_from("ab/" if sep is None else "ab"))
        else:
            out += token
    return out


@FAST
@given(st.data(), GLOB_TEXT, GLOB_TEXT, SEPS)
def test_glob_includes_is_sound(data: st.DataObject, wide: str, narrow: str,
                                sep: str | None) -> None:
    assume(glob.includes(wide, narrow, sep))
    for _ in range(3):
        text = fill(data.draw, narrow, sep)
        assert oracle(narrow, text, sep)
        assert oracle(wide, text, sep), (wide, narrow, text)


@st.composite
def widened_glob(draw: st.DrawFn, pattern: str) -> str:
    """Usually a wider glob: a slice of ``pattern`` replaced by a wildcard."""
    i = draw(st.integers(0, len(pattern)))
    j = draw(st.integers(i, len(pattern)))
    return pattern[:i] + draw(st.sampled_from(["*", "**", "?", ""])) + pattern[j:]


@FAST
@given(st.data(), GLOB_TEXT, SEPS)
def test_glob_includes_is_transitive(data: st.DataObject, c: str, sep: str | None) -> None:
    b = data.draw(st.one_of(widened_glob(c), GLOB_TEXT))
    a = data.draw(st.one_of(widened_glob(b), GLOB_TEXT))
    assume(glob.includes(a, b, sep) and glob.includes(b, c, sep))
    assert glob.includes(a, c, sep) is True


# --- capability properties -------------------------------------------------------------------
# Scopes are built from a small alphabet so that one scope often covers another.

PATH_KINDS = st.sampled_from([Kind.FS_READ, Kind.FS_WRITE, Kind.FS_DELETE])
SEGMENTS = ["a", "b", "ab", ".ssh", "*", "**", "?", "a*", "*b", "a?", "*.pem"]
ANCHOR_CHOICES = ["~", "${WORKSPACE}", "${SKILL_DIR}", "/", "**"]


def path_text(anchor: str, segments: list[str]) -> str:
    if anchor == "/":
        return "/" + "/".join(segments)
    return "/".join([anchor, *segments])


@st.composite
def path_parts(draw: st.DrawFn) -> tuple[str, list[str]]:
    return (draw(st.sampled_from(ANCHOR_CHOICES)),
            draw(st.lists(st.sampled_from(SEGMENTS), max_size=3)))


@st.composite
def widened_path(draw: st.DrawFn, parts: tuple[str, list[str]]) -> tuple[str, list[str]]:
    """A path that is usually wider than ``parts``: segments or the tail turned into globs."""
    anchor, segments = parts[0], list(parts[1])
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["star", "dstar", "tail", "anchor", "prefix", "any"]))
        if op == "anchor":
            anchor = "**"
            continue
        if not segments:
            continue
        i = draw(st.integers(0, len(segments) - 1))
        if op == "star":
            segments[i] = "*"
        elif op == "dstar":
            segments[i] = "**"
        elif op == "tail":
            segments[i:] = ["**"]
        elif op == "prefix":
            segments[i] = segments[i][:1] + "*"
        elif op == "any" and len(segments[i]) == 1 and segments[i] not in "*":
            segments[i] = "?"
    return anchor, segments


def path_capability(kind: Kind, parts: tuple[str, list[str]]) -> Capability:
    return Capability.of(kind, path_text(*parts))


def path_instance(draw: st.DrawFn, scope: str) -> str:
    """A concrete path that ``scope`` means, read independently of the code under test.

    A whole ``**`` segment is zero or more folders (a leading one: any anchored prefix);
    inside a segment ``**`` is any text, ``*`` any text without ``/``, ``?`` one character.
    """
    segments = scope.split("/")
    out: list[str] = []
    for index, segment in enumerate(segments):
        if segment == "**" and index == 0:
            out.append(draw(st.sampled_from(["", "~", "${WORKSPACE}", "~/ab", "${SKILL_DIR}/a",
                                             "/b"])))
        elif segment == "**":
            out.extend(draw(st.lists(st.text("ab", min_size=1, max_size=2), max_size=2)))
        else:
            out.append(fill(draw, segment, "/"))
    return "/".join(out)


def canonical(kind: Kind, text: str) -> bool:
    return bool(text) and Capability.of(kind, text).scope == text


HOST_LABELS = ["a", "b", "ab", "com", "*", "?", "a*", "*b"]


@st.composite
def host_parts(draw: st.DrawFn) -> tuple[list[str], str | None]:
    return (draw(st.lists(st.sampled_from(HOST_LABELS), min_size=1, max_size=3)),
            draw(st.sampled_from([None, None, "80", "443", "*"])))


@st.composite
def widened_host(draw: st.DrawFn, parts: tuple[list[str], str | None]
                 ) -> tuple[list[str], str | None]:
    labels, port = list(parts[0]), parts[1]
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["star", "head", "noport", "anyport", "any"]))
        i = draw(st.integers(0, len(labels) - 1))
        if op == "star":
            labels[i] = "*"
        elif op == "head":
            labels[: i + 1] = ["*"]
        elif op == "noport":
            port = None
        elif op == "anyport" and port is not None:
            port = "*"
        elif op == "any" and len(labels[i]) == 1:
            labels[i] = "?"
    return labels, port


def host_text(parts: tuple[list[str], str | None]) -> str:
    labels, port = parts
    return ".".join(labels) + (f":{port}" if port else "")


def host_instance(draw: st.DrawFn, scope: str) -> str:
    """A concrete ``host`` or ``host:port`` that the host glob ``scope`` means."""
    host, _, port = scope.partition(":")
    text = fill(draw, host.replace("/", ""), None).replace("/", ".")
    if not text:
        return ""  # not a host; callers skip instances that are not canonical
    if port == "*" or (not port and draw(st.booleans())):
        port = str(draw(st.integers(1, 65535)))
    return f"{text}:{port}" if port else text


ENV_PARTS = ["AWS", "_", "KEY", "TOKEN", "*", "?", "A"]


@st.composite
def env_parts(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.sampled_from(ENV_PARTS), min_size=1, max_size=4))


@st.composite
def widened_env(draw: st.DrawFn, parts: list[str]) -> list[str]:
    parts = list(parts)
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(parts) - 1))
        op = draw(st.sampled_from(["star", "tail", "head", "any"]))
        if op == "star":
            parts[i] = "*"
        elif op == "tail":
            parts[i:] = ["*"]
        elif op == "head":
            parts[: i + 1] = ["*"]
        elif len(parts[i]) == 1:
            parts[i] = "?"
    return parts


def env_instance(draw: st.DrawFn, scope: str) -> str:
    return fill(draw, scope, None).replace("/", "_")


WORDS = ["git", "push", "gitk", "-f", "*", "g*", "?it", "npm", "run", "test"]


@st.composite
def argv_parts(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))


@st.composite
def widened_argv(draw: st.DrawFn, words: list[str]) -> list[str]:
    words = list(words)
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(words) - 1))
        op = draw(st.sampled_from(["star", "drop", "prefix", "any"]))
        if op == "star":
            words[i] = "*"
        elif op == "drop" and len(words) > 1:
            words.pop()
        elif op == "prefix":
            words[i] = words[i][:1] + "*"
        elif op == "any" and words[i][0] not in "*?":
            words[i] = "?" + words[i][1:]
    return words


def argv_instance(draw: st.DrawFn, scope: str) -> str:
    """Concrete argv text: each word's wildcards filled (no spaces), maybe more words after."""
    words = [fill(draw, word, None).replace("/", "x") for word in scope.split()]
    words += draw(st.lists(st.sampled_from(["--ci", "origin", "x"]), max_size=2))
    return " ".join(words)


@st.composite
def related_scopes(draw: st.DrawFn, kind_name: str, depth: int
                   ) -> tuple[Kind, list[Capability]]:
    """A kind and ``depth`` capabilities of it, each usually wider than the next."""
    if kind_name == "path":
        kind = draw(PATH_KINDS)
        chain = [draw(path_parts())]
        for _ in range(depth - 1):
            chain.append(draw(st.one_of(widened_path(chain[-1]), path_parts())))
        caps = [path_capability(kind, p) for p in chain]
    elif kind_name == "host":
        kind = Kind.NET_CONNECT
        hosts = [draw(host_parts())]
        for _ in range(depth - 1):
            hosts.append(draw(st.one_of(widened_host(hosts[-1]), host_parts())))
        caps = [Capability.of(kind, host_text(h)) for h in hosts]
    elif kind_name == "env":
        kind = Kind.ENV_READ
        envs = [draw(env_parts())]
        for _ in range(depth - 1):
            envs.append(draw(st.one_of(widened_env(envs[-1]), env_parts())))
        caps = [Capability.of(kind, "".join(e)) for e in envs]
    else:
        kind = Kind.PROC_EXEC
        argvs = [draw(argv_parts())]
        for _ in range(depth - 1):
            argvs.append(draw(st.one_of(widened_argv(argvs[-1]), argv_parts())))
        caps = [Capability.of(kind, " ".join(w)) for w in argvs]
    return kind, caps[::-1]


INSTANCE = {"path": path_instance, "host": host_instance, "env": env_instance,
            "argv": argv_instance}
FAMILIES = ["path", "host", "env", "argv"]


@pytest.mark.parametrize("family", FAMILIES)
@FAST
@given(data=st.data())
def test_covers_is_reflexive(family: str, data: st.DataObject) -> None:
    kind, (capability,) = data.draw(related_scopes(family, 1))
    assert capability.covers(capability) is True
    if capability.scope != ANY:  # the glob machinery itself, past the equality shortcut
        assert _COVERS[kind](capability.scope, capability.scope) is True


@pytest.mark.parametrize("family", FAMILIES)
@FAST
@given(data=st.data())
def test_covers_is_transitive(family: str, data: st.DataObject) -> None:
    _, (a, b, c) = data.draw(related_scopes(family, 3))
    assume(a.covers(b) and b.covers(c))
    assert a.covers(c) is True


@pytest.mark.parametrize("family", FAMILIES)
@FAST
@given(data=st.data())
def test_star_covers_everything_of_its_kind(family: str, data: st.DataObject) -> None:
    kind, (capability,) = data.draw(related_scopes(family, 1))
    assert Capability(kind, ANY).covers(capability) is True
    assert Capability.parse(kind.value).covers(capability) is True
    other = next(k for k in Kind if k != kind)
    assert Capability(other, ANY).covers(capability) is False


@pytest.mark.parametrize("family", FAMILIES)
@FAST
@given(data=st.data())
def test_round_trip(family: str, data: st.DataObject) -> None:
    _, (capability,) = data.draw(related_scopes(family, 1))
    assert Capability.parse(str(capability)) == capability


@pytest.mark.parametrize("family", FAMILIES)
@FAST
@given(data=st.data())
def test_a_scope_covers_its_concrete_instances(family: str, data: st.DataObject) -> None:
    kind, (capability,) = data.draw(related_scopes(family, 1))
    assume(capability.scope != ANY)
    assume("**/**" not in capability.scope)  # see test_consecutive_double_stars
    for _ in range(3):
        text = INSTANCE[family](data.draw, capability.scope)
        if canonical(kind, text):
            assert capability.covers(Capability(kind, text)), (str(capability), text)


@pytest.mark.parametrize("family", FAMILIES)
@FAST
@given(data=st.data())
def test_covers_is_sound_against_concrete_instances(family: str, data: st.DataObject) -> None:
    """If a covers b, a also covers every concrete string b means."""
    kind, (wide, narrow) = data.draw(related_scopes(family, 2))
    assume(narrow.scope != ANY and wide.covers(narrow))
    for _ in range(3):
        text = INSTANCE[family](data.draw, narrow.scope)
        concrete = Capability(kind, text)
        # instances narrow itself misses are test_a_scope_covers_its_concrete_instances' job
        if canonical(kind, text) and narrow.covers(concrete):
            assert wide.covers(concrete), (str(wide), str(narrow), text)


# --- regressions -------------------------------------------------------------------------------

@pytest.mark.parametrize(("scope", "instance"), [
    ("**/../etc/passwd", "/etc/passwd"),      # /x/../etc/passwd
    ("~/**/../x", "~/a/x"),                   # ~/a/b/../x
    ("${WORKSPACE}/**/../x", "${WORKSPACE}/a/x"),
])
def test_dotdot_after_wildcard_keeps_its_instances(scope: str, instance: str) -> None:
    capability = P(f"fs.read({scope})")
    assert P(str(capability)) == capability
    assert capability.covers(P(f"fs.read({instance})")) is True
    assert P("fs.read(*/passwd)").covers(P("fs.read(**/../etc/passwd)")) is False


@pytest.mark.parametrize(("wide", "narrow"), [
    ("fs.read(a/**/**/b)", "fs.read(a/b)"),
    ("fs.read(~/**/**/a)", "fs.read(~/a)"),
])
def test_consecutive_double_stars(wide: str, narrow: str) -> None:
    assert P(wide).covers(P(narrow)) is True


@pytest.mark.parametrize(("text", "widened"), [
    ("fs.read(" + "a" * 499 + ")", False),        # ${WORKSPACE}/ is prepended: 512 characters
    ("fs.read(" + "a" * 500 + ")", True),         # 513 characters once canonical
    ("code.install(" + "a" * 510 + ")", False),   # :* is appended: 512 characters
    ("code.install(" + "a" * 511 + ")", True),
])
def test_round_trip_near_the_length_limit(text: str, widened: bool) -> None:
    """The length limit applies to the canonical form, so printing and parsing agree."""
    capability = P(text)
    assert (capability.scope == ANY) is widened
    assert P(str(capability)) == capability
