"""The deployment files agree with the app: ports, health probes, upload limit, proxy rules.

Docker and Kubernetes cannot run on the test machine; these tests parse their files and
check them against `.streamlit/config.toml`, so a changed port or limit cannot drift apart.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CONFIG = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
PORT = CONFIG["server"]["port"]
UPLOAD_MB = CONFIG["server"]["maxUploadSize"]
HEALTH = "/_stcore/health"


def _docs(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text(encoding="utf-8")) if d]


def test_kubernetes_probes_ports_and_affinity_match_the_app() -> None:
    docs = {d["kind"]: d for d in _docs("k8s/atlas.yaml")}
    assert set(docs) == {"Deployment", "Service", "Ingress"}
    (container,) = docs["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert container["ports"][0]["containerPort"] == PORT
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": HEALTH, "port": PORT}
    assert {e["name"] for e in container["env"]} == {"ATLAS_DATABASE_URL"}
    assert docs["Service"]["spec"]["ports"][0]["targetPort"] == PORT
    assert docs["Service"]["spec"]["selector"] == docs["Deployment"]["spec"]["selector"]["matchLabels"]
    notes = docs["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/proxy-body-size"] == f"{UPLOAD_MB}m"
    backend = docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == docs["Service"]["metadata"]["name"]
    assert backend["port"]["number"] == docs["Service"]["spec"]["ports"][0]["port"]


def test_kubernetes_postgis_statefulset_keeps_its_data() -> None:
    docs = {d["kind"]: d for d in _docs("k8s/postgis.yaml")}
    sts = docs["StatefulSet"]
    assert sts["spec"]["serviceName"] == docs["Service"]["metadata"]["name"] == "postgis"
    mounts = sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert mounts[0]["name"] == sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"]


def test_compose_replicas_share_postgis_and_probe_the_health_endpoint() -> None:
    (compose,) = _docs("compose.yaml")
    services = compose["services"]
    replicas = [name for name, s in services.items() if "build" in s]
    assert len(replicas) >= 2
    for name in replicas:
        s = services[name]
        assert f"{PORT}" in [str(p) for p in s["expose"]]
        assert "@postgis:5432/" in s["environment"]["ATLAS_DATABASE_URL"]
        assert any(HEALTH in part for part in s["healthcheck"]["test"])
    conf = (DEPLOY / "nginx.compose.conf").read_text(encoding="utf-8")
    assert sorted(re.findall(r"server (\w+):(\d+)", conf)) == sorted((n, str(PORT)) for n in replicas)


def test_dockerfile_exposes_the_configured_port() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert f"EXPOSE {PORT}" in text
    assert f"--server.port={PORT}" in text
    assert HEALTH in text


def _rules(conf: str) -> str:
    """The nginx rules without what differs between make serve and compose (names, paths)."""
    conf = re.sub(r"(?m)^\s*#.*\n", "", conf)
    conf = re.sub(r"(?m)^\s*server [\w.]+:[\w@]+ .*\n", "", conf)
    conf = re.sub(r"(?m)^\s*@UPSTREAMS@\n", "", conf)
    conf = re.sub(r"listen \S+;", "listen;", conf)
    return conf.replace("@RUN@", "/tmp")


def test_nginx_rules_are_the_same_for_make_serve_and_compose() -> None:
    template = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")
    assert _rules(template) == _rules((DEPLOY / "nginx.compose.conf").read_text(encoding="utf-8"))
    assert f"client_max_body_size {UPLOAD_MB}m;" in template
    assert "proxy_set_header Upgrade $http_upgrade;" in template
    assert re.search(r"hash \$\w+ consistent;", template)
    assert "gzip on;" in template
    assert "application/javascript" in template


def test_replicas_skip_the_per_run_full_collection_and_the_file_watchers() -> None:
    # Both were most of a replica's CPU per rerun under load (bench/results/LOAD.md); every
    # topology (make run, make serve, the image) reads this one config file.
    assert CONFIG["runner"]["postScriptGC"] is False
    assert CONFIG["server"]["fileWatcherType"] == "none"
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert ".streamlit" in dockerfile or "COPY . " in dockerfile


def test_the_image_lets_the_app_write_its_map_files() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    user_line = next(line for line in dockerfile.splitlines() if "useradd" in line)
    assert "/app/static/maps" in user_line
    assert "chown atlas" in user_line
