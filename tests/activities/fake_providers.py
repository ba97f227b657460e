"""Local fakes of the providers' HTTP APIs, for the real clients (wechatpy, Tencent Cloud's SDK)
to talk to: an `http.server` thread on 127.0.0.1 and a random port, no outside network.

Each fake records what it accepted and answers like the provider, including the answers the
tests script in advance (`fail_next`): rate limits, expired tokens, refusals.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeServer:
    content_type = "application/json; charset=utf-8"

    def __init__(self):
        self.scripted = []  # answers to give before the normal one, in order
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def _answer(self, method):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake.lock:
                    status, payload = fake.handle(method, url.path, parse_qs(url.query),
                                                  self.headers, body)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", fake.content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(self, *answers):
        self.scripted.extend(answers)

    def _scripted(self):
        return self.scripted.pop(0) if self.scripted else None


class FakeWeCom(FakeServer):
    """qyapi.weixin.qq.com/cgi-bin: gettoken and message/send, with WeCom's duplicate check."""

    def __init__(self, corp_id="ww-test", secret="s3cret", known_users=None):
        super().__init__()
        self.corp_id, self.secret = corp_id, secret
        self.known_users = known_users  # None: every account exists
        self.tokens = {}  # token → expiry (time.time())
        self.token_fetches = 0
        self.sends = 0  # every message/send request, accepted or not
        self.messages = []  # accepted messages
        self.expires_in = 7200
        self.refuse_tokens = 0  # reject this many valid tokens with 42001 (a reset elsewhere)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    def expire_tokens(self):
        self.tokens.clear()

    def handle(self, method, path, query, headers, body):
        if path == "/cgi-bin/gettoken":
            if (query.get("corpid"), query.get("corpsecret")) != ([self.corp_id], [self.secret]):
                return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
            self.token_fetches += 1
            token = f"TOKEN-{self.token_fetches}"
            self.tokens[token] = time.time() + self.expires_in
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": token,
                         "expires_in": self.expires_in}
        if path == "/cgi-bin/message/send" and method == "POST":
            self.sends += 1
            token = (query.get("access_token") or [""])[0]
            if token not in self.tokens:
                return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
            if self.tokens[token] < time.time():
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            if self.refuse_tokens:
                self.refuse_tokens -= 1
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            scripted = self._scripted()
            if scripted is not None:
                return scripted
            message = json.loads(body)
            if self.known_users is not None and message["touser"] not in self.known_users:
                return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": message["touser"]}
            if message.get("enable_duplicate_check") and any(
                    (m["touser"], m["msgtype"], m[m["msgtype"]])
                    == (message["touser"], message["msgtype"], message[message["msgtype"]])
                    for m in self.messages):
                # WeCom answers ok and does not deliver the same content again
                return 200, {"errcode": 0, "errmsg": "ok", "msgid": "duplicate"}
            self.messages.append(message)
            return 200, {"errcode": 0, "errmsg": "ok", "msgid": f"msg-{len(self.messages)}"}
        return 404, {"errcode": 404, "errmsg": "not found"}


class FakeTencentSms(FakeServer):
    """sms.tencentcloudapi.com, action SendSms (version 2021-01-11)."""

    content_type = "application/json"  # exactly: the SDK reads errors only under this type

    def __init__(self):
        super().__init__()
        self.requests = 0
        self.messages = []

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def handle(self, method, path, query, headers, body):
        self.requests += 1
        request_id = f"req-{self.requests}"
        if headers.get("X-TC-Action") != "SendSms" or "TC3-HMAC-SHA256" not in (
                headers.get("Authorization") or ""):
            return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
                                                "Message": "unsigned"},
                                      "RequestId": request_id}}
        scripted = self._scripted()
        if scripted is not None:
            return 200, {"Response": {**scripted, "RequestId": request_id}}
        request = json.loads(body)
        self.messages.append(request)
        phone = request["PhoneNumberSet"][0]
        return 200, {"Response": {"SendStatusSet": [{
            "SerialNo": f"serial-{len(self.messages)}", "PhoneNumber": phone, "Fee": 1,
            "SessionContext": "", "Code": "Ok", "Message": "send success", "IsoCode": "CN"}],
            "RequestId": request_id}}


def sms_error(code, message="error"):
    return {"Error": {"Code": code, "Message": message}}


def sms_status(code, message="error"):
    return {"SendStatusSet": [{"SerialNo": "", "PhoneNumber": "", "Fee": 0, "SessionContext": "",
                               "Code": code, "Message": message, "IsoCode": "CN"}]}
