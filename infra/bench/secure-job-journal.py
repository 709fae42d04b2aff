#!/usr/bin/env python3
"""How much a secure job grows the coordinator's journal, as a new user meets it (issue 23's scenario): a local
federation without a job, then a lead launches over the dashboard's API a 5-round secure job of a 625,001-parameter
MLP (2.5 MB as float32) on the four breast-prognosis sites, and the SQLite journal is measured before and after.

    python3 infra/bench/secure-job-journal.py infra/FedHealth.Cli/bin/Debug/net10.0/linux-x64/fedhealth.dll 5191 /tmp/journal-bench [32]

The optional last argument is the job's secureAggregationRingBits (64 by default, 32 sends 4 bytes a value).
"""
import json, subprocess, sys, time, urllib.request, os, signal
dll, port, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ring = int(sys.argv[4]) if len(sys.argv) > 4 else 64
subprocess.run(["rm","-rf",d])
log=open(d+".log","w")
p=subprocess.Popen(["dotnet", dll, "local", "--no-job", "--data-dir", d, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
base=f"http://127.0.0.1:{port}"
def req(path, body=None, token=None, method=None):
    data=None if body is None else json.dumps(body).encode()
    r=urllib.request.Request(base+path, data=data, method=method or ("POST" if body is not None else "GET"))
    r.add_header("content-type","application/json")
    if token: r.add_header("authorization","Bearer "+token)
    with urllib.request.urlopen(r, timeout=60) as resp: return json.loads(resp.read() or b"null")
def size(): return sum(os.path.getsize(os.path.join(d,f)) for f in os.listdir(d) if f.startswith("journal.db"))
try:
    for _ in range(240):
        try:
            pw=[l.split(" ",1)[1].strip() for l in open(os.path.join(d,"dashboard-passwords.txt")) if l.startswith("lead ")][0]
            token=req("/api/token", {"user":"lead","password":pw})["accessToken"]; break
        except Exception: time.sleep(0.5)
    for _ in range(240):
        st=req("/api/status", token=token)
        online=[s for s in st["sites"] if s["online"]]
        if len(online)>=4: break
        time.sleep(0.5)
    hb=online[0]["lastHeartbeat"]
    before=size()
    spec={"name":"issue 23","schema":hb["schema"],"featureNames":hb["featureNames"],"model":{"kind":"mlp","features":len(hb["featureNames"]),"hiddenUnits":62500},
          "rounds":5,"minSites":2,"roundDeadline":"00:05:00","secureAggregationRingBits":ring}
    job=req("/api/jobs", spec, token=token)["jobId"]
    t0=time.time()
    peak=before
    while True:
        j=req(f"/api/jobs/{job}", token=token)
        peak=max(peak, size())
        if j["status"] in ("completed","failed","stopped"): break
        time.sleep(0.2)
    time.sleep(10)
    after=size()
    print(f"{ring}-bit ring: job {j['status']} ({len(j['rounds'])} rounds, {time.time()-t0:.0f} s, global AUC {j['rounds'][-1]['global']['auc']:.4f}); journal {before/1e6:.1f} MB before, "
          f"at most {peak/1e6:.1f} MB during, {after/1e6:.1f} MB after: grew {(after-before)/1e6:.1f} MB = {(after-before)/2.5e6:.1f} x the 2.5 MB model")
    for r in j["rounds"]:
        if r["leftOut"]: print(f"  round {r['round']}: left out {[(l['siteId'], l['reason']) for l in r['leftOut']]}")
finally:
    p.send_signal(signal.SIGINT); p.wait(timeout=60)
