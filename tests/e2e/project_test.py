#!/usr/bin/env python3
"""project_test: projects by name, end to end, on a generated corpus.

A project's transcripts sit in a folder named after its start directory
with every character that is not a letter or digit replaced by '-'; the
reports show the real path (the events' cwd, "~/..." under $HOME) and
`--project` takes the name, the path (also "~/..."), an alias or the folder.

1. Every form of `--project` gives the report of the folder form, which
   equals tools/oracle.py run on that folder alone.
2. An unknown project exits 2 naming it and the close names; a name two
   projects share exits 2 listing both paths.
3. --project-aliases and the config's "projectAliases": the alias is shown
   and accepted.
4. `report daily --instances`: ccusage's {"projects": {folder: [rows]}}, each
   project's rows equal to its --project report; the table heads each group
   with the project's path. `report session` shows paths, not folders.
"""
import json
import os
import subprocess
import sys

from e2e_common import (ORACLE, Cli, assistant_line, check, fail, generate_corpus, main,
                        token_report)

HOME = "/home/USER"  # The generator's projects live under /home/USER/projects.


def write_project(root, cwd, session, key):
    """A one-request project started in `cwd`, filed as Claude Code does."""
    folder = "".join(c if c.isascii() and c.isalnum() else "-" for c in cwd)
    d = os.path.join(root, "projects", folder)
    os.makedirs(d, exist_ok=True)
    line = json.loads(assistant_line(key, "2025-09-03T10:00:00.000Z",
                                     {"input_tokens": 5, "output_tokens": 7}, session=session))
    line["cwd"] = cwd
    with open(os.path.join(d, session + ".jsonl"), "w") as f:
        f.write(json.dumps(line) + "\n")
    return folder


def cwd_of(root, folder):
    """The cwd the folder's transcripts recorded."""
    d = os.path.join(root, "projects", folder)
    for name in sorted(os.listdir(d)):
        if name.endswith(".jsonl"):
            with open(os.path.join(d, name)) as f:
                for line in f:
                    try:
                        cwd = json.loads(line).get("cwd")
                    except ValueError:
                        continue
                    if cwd:
                        return cwd
    fail(f"no cwd in {d}")


def daily(cli, *args):
    return token_report(cli.json("report", "daily", "--json", "-z", "UTC", *args))


def test_every_form(cli, root, folders):
    for folder in folders:
        cwd = cwd_of(root, folder)
        want = oracle_of(root, folder)
        by_folder = daily(cli, "--project", folder)
        check(by_folder == want, f"{folder}: --project (folder) differs from oracle.py "
              f"on the folder:\n{by_folder['totals']}\n{want['totals']}")
        forms = [cwd, cwd + "/", "~" + cwd[len(HOME):], os.path.basename(cwd)]
        for form in forms:
            got = daily(cli, "--project", form)
            check(got == by_folder, f"--project {form!r} != --project {folder}:\n"
                  f"{got['totals']}\n{by_folder['totals']}")
    return f"{len(folders)} projects x 5 forms of --project = oracle per folder"


def oracle_of(root, folder):
    o = oracle_on(os.path.join(root, "projects", folder))
    return {"daily": o["daily"], "totals": o["totals"]}


def oracle_on(path):
    """tools/oracle.py on one project folder: that project's true totals."""
    p = subprocess.run([sys.executable, ORACLE, path], capture_output=True, check=False)
    if p.returncode != 0:
        fail(f"oracle.py {path}: {p.stderr[-1000:]!r}")
    return json.loads(p.stdout)


def test_unknown_and_ambiguous(cli, root, folder):
    name = os.path.basename(cwd_of(root, folder))
    typo = name[:-1] if len(name) > 3 else name + "x"
    p = cli.expect(2, "report", "monthly", "--project", typo)
    err = p.stderr.decode()
    check(f"--project: no project '{typo}'" in err, f"unknown project: {err}")
    check(f"~/projects/{name}" in err, f"no suggestion of ~/projects/{name}: {err}")
    p = cli.expect(2, "report", "daily", "--project", "dup")
    err = p.stderr.decode()
    check("'dup' names 2 projects: ~/a/dup, ~/b/dup" in err, f"ambiguous: {err}")
    # The path settles it.
    check(daily(cli, "--project", "~/a/dup")["totals"]["outputTokens"] == 7, "~/a/dup")
    return "unknown (with close names) and ambiguous names exit 2"


def test_aliases(cli, tmp, root, folder):
    cwd = cwd_of(root, folder)
    name = os.path.basename(cwd)
    want = daily(cli, "--project", folder)
    aliases = f"{name}=Nice One, /home/USER/b/dup = Bee"
    got = daily(cli, "--project-aliases", aliases, "--project", "Nice One")
    check(got == want, "--project ALIAS differs from the folder")
    sessions = cli.json("report", "session", "--json", "--project-aliases", aliases)["sessions"]
    shown = {s["projectPath"]: s["projectName"] for s in sessions}
    check(shown.get(folder) == "Nice One" and shown.get("-home-USER-b-dup") == "Bee",
          f"aliases not shown: {shown.get(folder)}, {shown.get('-home-USER-b-dup')}")
    check(shown.get("-home-USER-a-dup") == "~/a/dup", f"a path: {shown.get('-home-USER-a-dup')}")
    config = os.path.join(tmp, "config.json")
    with open(config, "w") as f:
        json.dump({"projectAliases": f"{name}=From Config"}, f)
    got = token_report(cli.json("--config", config, "report", "daily", "--json", "-z", "UTC",
                                "--project", "From Config"))
    check(got == want, "config alias not accepted by --project")
    p = cli.expect(2, "report", "daily", "--project-aliases", "broken")
    check("--project-aliases: expected name-or-path=Alias" in p.stderr.decode(), p.stderr)
    return "flag and config aliases shown and accepted"


def test_instances(cli, root, folders):
    rep = cli.json("report", "daily", "--instances", "--json", "-z", "UTC")
    check("daily" not in rep and isinstance(rep.get("projects"), dict), list(rep))
    all_folders = sorted(os.listdir(os.path.join(root, "projects")))
    check(sorted(rep["projects"]) == all_folders,
          f"projects {sorted(rep['projects'])} != folders {all_folders}")
    for folder in folders:
        mine = token_report({"daily": rep["projects"][folder]})["daily"]
        check(mine == daily(cli, "--project", folder)["daily"],
              f"--instances rows of {folder} differ from --project")
        check(rep["projectNames"][folder] == "~" + cwd_of(root, folder)[len(HOME):],
              f"projectNames[{folder}] = {rep['projectNames'][folder]}")
    check(rep["totals"] == cli.json("report", "daily", "--json", "-z", "UTC")["totals"],
          "--instances totals differ")
    wide = cli.ok("report", "daily", "-i").stdout.decode()
    check(f"Project: ~{cwd_of(root, folders[0])[len(HOME):]}" in wide, wide[:2000])
    session = cli.ok("report", "session").stdout.decode()
    check("~/projects/" in session and folders[0] not in session,
          "report session shows folders: " + session[:1500])
    return f"--instances: {len(all_folders)} projects, rows and totals agree"


def scenario(script) -> str:
    root = script.path("claude")
    summary = generate_corpus(root, 3, script.seed, files=36)
    script.log(summary)
    write_project(root, HOME + "/a/dup", "dup-a", "da")
    write_project(root, HOME + "/b/dup", "dup-b", "db")
    env = dict(os.environ, HOME=HOME, TZ="UTC", COLUMNS="200",
               XDG_CONFIG_HOME=script.path("xdg"))
    env.pop("CLAUDE_CONFIG_DIR", None)
    cli = Cli(script.binary, root, script.path("ledger.db"), env)
    cli.ok("bridge", "backfill", "-q")
    # The two largest generated projects (most events, likeliest to span days).
    sizes = {}
    for folder in os.listdir(os.path.join(root, "projects")):
        d = os.path.join(root, "projects", folder)
        sizes[folder] = sum(os.path.getsize(os.path.join(p, f))
                            for p, _, fs in os.walk(d) for f in fs)
    folders = sorted((f for f in sizes if "dup" not in f), key=lambda f: -sizes[f])[:2]
    results = [test_every_form(cli, root, folders),
               test_unknown_and_ambiguous(cli, root, folders[0]),
               test_aliases(cli, script.tmp, root, folders[0]),
               test_instances(cli, root, folders)]
    for r in results:
        script.log(r)
    return "; ".join(results)


if __name__ == "__main__":
    sys.exit(main("project_test", __doc__, scenario))
