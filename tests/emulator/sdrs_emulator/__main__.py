"""CLI: `python -m sdrs_emulator [options]` serves every API on one port and writes the connection file."""

import argparse
import json
import os
import signal
import socket
import ssl
import sys
import tempfile

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import Emulator, create_app
from .tls import ensure_certs

DEFAULT_SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seeds", "demo.json")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m sdrs_emulator",
                                description="Local IAM + SDRS v1 + VBS v2 + ECS emulator (HTTPS by default).")
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="TCP port; 0 picks a free one (default 8443)")
    p.add_argument("--http", action="store_true", help="serve plain HTTP instead of HTTPS")
    p.add_argument("--seed", default=os.path.normpath(DEFAULT_SEED), help="seed JSON (default seeds/demo.json)")
    p.add_argument("--state-file", help="persist state here after every change; reloaded on start")
    p.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), f"sdrs-emulator-{os.getuid()}"),
                   help="directory for the CA and server certificate (reused across restarts)")
    p.add_argument("--connection-file", help="where to write the connection JSON "
                                             "(default WORKDIR/connection.json)")
    p.add_argument("--job-duration", type=float, default=2.0, help="seconds every job runs (default 2.0)")
    p.add_argument("--token-lifetime", type=float, default=86400, help="IAM token lifetime in seconds")
    p.add_argument("--clock-skew", type=float, default=900, help="allowed X-Sdk-Date skew in seconds")
    p.add_argument("--error-shape", choices=("nested", "flat"), default="nested",
                   help="SDRS/VBS/ECS error body: {error:{code,message}} or {error_code,error_msg}")
    p.add_argument("--fault-seed", type=int, default=0, help="seed of the fault probability RNG")
    p.add_argument("--quiet", action="store_true", help="do not log each request to stderr")
    return p.parse_args(argv)


def _handler(quiet: bool):
    class Handler(WSGIRequestHandler):
        tls_failed = False

        def setup(self):
            try:  # headers and body go out in separate writes; do not let Nagle delay the body
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            if isinstance(self.request, ssl.SSLSocket):
                # TLS handshake here, in the connection's own thread, not in the accept loop:
                # one slow or broken client must not hold up everybody else.
                try:
                    self.request.settimeout(30)
                    self.request.do_handshake()
                    self.request.settimeout(None)
                except (OSError, ssl.SSLError):
                    self.tls_failed = True
            super().setup()

        def handle(self):
            if not self.tls_failed:
                super().handle()

        def log_request(self, code="-", size="-"):
            if not quiet:
                super().log_request(code, size)
    return Handler


def connection_info(emu: Emulator, base: str, ca_path: str | None, conn_path: str) -> dict:
    """The connection file of contracts.md §2; auth dicts use the module option names."""
    data = emu.store.data
    summary = emu.store.seed["summary"]
    projects = list(data["projects"].values())
    main = next(p for p in projects if p.get("main"))
    other = next((p for p in projects if not p.get("main")), None)
    region = data["meta"]["region"]

    def token_auth(project):
        user = next(u for u in data["users"].values() if project["id"] in u["projects"])
        auth = {"auth_url": f"{base}/v3", "username": user["name"], "password": user["password"],
                "user_domain_name": data["iam_domains"][user["domain_id"]]["name"],
                "project_name": project["name"], "region": region}
        if ca_path:
            auth["ca_path"] = ca_path
        return auth

    user = next(u for u in data["users"].values() if main["id"] in u["projects"])
    cred = next(c for c in data["credentials"].values()
                if c["user_id"] == user["id"] and not c.get("security_token"))
    aksk = {"access_key": cred["access"], "secret_key": cred["secret"], "project_id": main["id"],
            "region": region, "endpoints": {"sdrs": base, "vbs": base, "ecs": base}}
    if ca_path:
        aksk["ca_path"] = ca_path
    info = {"emulator_url": base, "emulator_admin_url": f"{base}/_emulator", "emulator_ca_path": ca_path,
            "emulator_pid": os.getpid(), "emulator_connection_file": conn_path,
            "sdrs_auth_token": token_auth(main), "sdrs_auth_aksk": aksk,
            "emulator_project": {"id": main["id"], "name": main["name"]},
            "emulator_seed": summary[main["name"]]}
    if other:
        info["sdrs_auth_other_project"] = token_auth(other)
        info["emulator_other_project"] = {"id": other["id"], "name": other["name"]}
        info["emulator_seed"] = {**summary[main["name"]], "other_project": summary[other["name"]]}
    return info


def write_atomic(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".conn-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main(argv=None) -> int:
    args = parse_args(argv)
    emu = Emulator(args.seed, state_file=args.state_file, job_duration=args.job_duration,
                   token_lifetime=args.token_lifetime, clock_skew=args.clock_skew,
                   fault_seed=args.fault_seed, error_shape=args.error_shape)
    app = create_app(emu)
    ssl_ctx, ca_path = None, None
    if not args.http:
        certs = ensure_certs(args.workdir)
        ssl_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_ctx.load_cert_chain(certs["cert"], certs["key"])
        ca_path = certs["ca"]
    server = make_server(args.host, args.port, app, threaded=True, request_handler=_handler(args.quiet))
    if ssl_ctx is not None:  # werkzeug would handshake in the accept loop; see Handler.setup
        server.socket = ssl_ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        server.ssl_context = ssl_ctx
    host = f"[{args.host}]" if ":" in args.host else args.host
    base = f"{'http' if args.http else 'https'}://{host}:{server.server_port}"
    conn_path = os.path.abspath(args.connection_file or os.path.join(args.workdir, "connection.json"))
    info = connection_info(emu, base, ca_path, conn_path)
    app.config["CONNECTION"] = info
    write_atomic(conn_path, json.dumps(info, indent=2) + "\n")  # the socket already listens
    print(f"SDRS emulator listening on {base} (pid {os.getpid()})\n"
          f"  IAM   {base}/v3\n  SDRS  {base}/v1/{info['emulator_project']['id']}\n"
          f"  VBS   {base}/v2/{info['emulator_project']['id']}\n"
          f"  ECS   {base}/v1/{info['emulator_project']['id']}/cloudservers, {base}/v2.1/...\n"
          f"  admin {base}/_emulator\n  CA    {ca_path or '-'}\n  connection file {conn_path}", flush=True)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    emu.engine.start_ticker()
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
        with emu.store.lock:
            emu.store.dirty = True
            emu.store.flush()
        try:
            os.remove(conn_path)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
