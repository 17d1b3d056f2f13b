"""The deployment files (deploy/, docs/OPERATIONS.md): the units, the environment file and the
nginx site agree with each other and with the settings, as `make prodcheck` reads them."""

import re
from pathlib import Path

import pytest

from deploy.units import (
    ENV_EXAMPLE,
    NGINX_SITE,
    UNITS,
    command_line,
    env_file_with,
    read_env_file,
    read_unit,
)
from samverkan.health import PROBES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = read_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"))
SITE = NGINX_SITE.read_text(encoding="utf-8")
SETTINGS_SOURCES = [
    *sorted((ROOT / "samverkan/settings").glob("*.py")),
    ROOT / "backups/conf.py",
]
# Read by the settings of development and tests only, or set by the units themselves.
NOT_FOR_PRODUCTION = {"DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME"}


def _settings_variables() -> set[str]:
    pattern = re.compile(r"""(?:env(?:\.\w+)?|env_secret|_value)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    found = set()
    for path in SETTINGS_SOURCES:
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found - NOT_FOR_PRODUCTION


def test_the_example_environment_file_names_every_variable_the_settings_read():
    variables = _settings_variables()
    assert {"DATABASE_URL", "EXPORT_DIR", "METRICS_TOKEN", "OIDC_ISSUER"} <= variables
    missing = sorted(v for v in variables if v not in EXAMPLE and f"{v}_FILE" not in EXAMPLE)
    assert missing == []


def test_secrets_are_named_by_files_in_the_example():
    for secret in ("DJANGO_SECRET_KEY", "EXPORT_PSEUDONYM_KEY", "METRICS_TOKEN"):
        assert secret not in EXAMPLE
        assert EXAMPLE[f"{secret}_FILE"].startswith("/etc/samverkan/")
    assert (
        "@" in EXAMPLE["DATABASE_URL"]
        and ":" not in EXAMPLE["DATABASE_URL"].split("//")[1].split("@")[0]
    )
    assert EXAMPLE["PGPASSFILE"].startswith("/etc/samverkan/")


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_hardened_as_the_service_user_with_the_production_settings(name):
    unit = read_unit(name)
    assert unit.get("User") == unit.get("Group") == "samverkan"
    assert unit.get("EnvironmentFile") == "/etc/samverkan/samverkan.env"
    assert unit.environment()["DJANGO_SETTINGS_MODULE"] == "samverkan.settings.production"
    for setting, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert unit.get(setting, "unset") == value, setting


def test_the_web_and_the_worker_may_write_exactly_the_directories_they_share():
    web = read_unit("samverkan-web").get("ReadWritePaths").split()
    worker = read_unit("samverkan-worker").get("ReadWritePaths").split()
    assert web == [EXAMPLE["EXPORT_DIR"], EXAMPLE["IMPORT_DIR"]]
    assert worker == [EXAMPLE["EXPORT_DIR"], EXAMPLE["IMPORT_DIR"], EXAMPLE["BACKUP_DIR"]]
    assert read_unit("samverkan-beat").get("ReadWritePaths") == ""


def test_the_web_notifies_systemd_listens_on_loopback_and_empties_the_metrics_directory():
    unit = read_unit("samverkan-web")
    assert unit.get("Type") == "notify"
    command = command_line(unit.get("ExecStart"), EXAMPLE)
    assert command[command.index("--bind") + 1].startswith("127.0.0.1:")
    metrics_dir = unit.environment()["PROMETHEUS_MULTIPROC_DIR"]
    assert metrics_dir.startswith(f"/run/{unit.get('RuntimeDirectory')}/")
    (empty,) = unit.all("ExecStartPre")
    assert 'rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"' in empty


def test_the_worker_is_always_restarted_and_given_time_to_finish_a_task_on_stop():
    unit = read_unit("samverkan-worker")
    assert unit.get("Restart") == "always"
    # SIGTERM to the main process only: Celery's warm shutdown, not the pool's children killed.
    assert unit.get("KillMode") == "mixed"
    assert int(unit.get("TimeoutStopSec")) >= 300
    command = command_line(unit.get("ExecStart"), EXAMPLE)
    assert command[-3:] == [
        "worker",
        "--loglevel=INFO",
        f"--concurrency={EXAMPLE['CELERY_CONCURRENCY']}",
    ]


def test_beat_keeps_no_state_file():
    command = command_line(read_unit("samverkan-beat").get("ExecStart"), EXAMPLE)
    assert "beat" in command and "--pidfile=" in command


def test_commands_are_expanded_as_systemd_expands_them():
    env = {"A": "one two", "B": "x"}
    assert command_line("run ${A} $A pre${B}post $B 'sh \"$A\"' 100%%", env) == [
        "run", "one two", "one", "two", "prexpost", "x", 'sh "$A"', "100%",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="prefix"):
        command_line("-/bin/true", env)


def test_a_check_may_set_only_what_the_example_names():
    text = env_file_with({"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert read_env_file(text)["REDIS_URL"] == "redis://127.0.0.1:1/0"
    with pytest.raises(ValueError, match="NOT_A_SETTING"):
        env_file_with({"NOT_A_SETTING": "1"})


def test_nginx_forwards_to_the_web_units_address():
    command = command_line(read_unit("samverkan-web").get("ExecStart"), EXAMPLE)
    assert f"server {command[command.index('--bind') + 1]};" in SITE


def test_nginx_answers_over_plain_http_only_the_probes():
    plain = SITE.split("listen 443")[0].split("listen 80;")[1]
    assert sorted(re.findall(r"location = (\S+)", plain)) == sorted(PROBES)
    assert "return 301 https://$host$request_uri;" in plain


def test_nginx_sends_what_the_proxy_settings_read_and_limits_metrics():
    tls = SITE.split("listen 443")[1]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in tls
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in tls
    assert EXAMPLE["DJANGO_BEHIND_TLS_PROXY"] == "true" and EXAMPLE["DJANGO_PROXY_COUNT"] == "0"
    metrics = tls.split("location = /metrics {")[1].split("}")[0]
    assert "deny all;" in metrics and "allow " in metrics
    assert re.search(r"client_max_body_size \d+m;", tls)


def test_no_access_log_writes_a_query_string():
    assert "$request " not in SITE and "$args" not in SITE and "$uri" in SITE
    gunicorn = (ROOT / "deploy/gunicorn.conf.py").read_text(encoding="utf-8")
    log_format = re.search(r"access_log_format = (.+)", gunicorn).group(1)
    assert "%(U)s" in log_format
    assert not {"%(q)s", "%(r)s", "%(f)s"} & set(re.findall(r"%\(\w\)s", log_format))


def test_sh_reads_the_environment_file_as_systemd_does(tmp_path):
    # samverkan-manage sources the file with sh; the units read it as an EnvironmentFile.
    import json
    import subprocess

    dump = "import json, os; print(json.dumps(dict(os.environ)))"
    result = subprocess.run(
        ["/bin/sh", "-c", f'set -a; . "{ENV_EXAMPLE}"; exec python3 -c "{dump}"'],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    sourced = json.loads(result.stdout)
    assert {name: sourced.get(name) for name in EXAMPLE} == EXAMPLE
    assert EXAMPLE["OIDC_SCOPES"] == "openid profile email"


def test_samverkan_manage_runs_manage_py_as_the_units_do():
    script = (ROOT / "deploy/samverkan-manage").read_text(encoding="utf-8")
    web = read_unit("samverkan-web")
    assert f"runuser -u {web.get('User')} --" in script
    assert f". {web.get('EnvironmentFile')}" in script
    assert f"DJANGO_SETTINGS_MODULE={web.environment()['DJANGO_SETTINGS_MODULE']}" in script
    assert f"cd {web.get('WorkingDirectory')}" in script


def test_a_gunicorn_worker_moves_what_it_loaded_out_of_the_collectors_reach():
    import gc
    import runpy

    settings = runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 1000  # the modules and settings loaded by now
    finally:
        gc.unfreeze()
