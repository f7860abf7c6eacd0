"""The drill SMS sink can be made as slow as a provider, for the fault drill that kills the worker mid-send.

Requirements covered:
- with KUAIJI_SMS_DRILL_DELAY_MS it waits that long before the message is written, without it not at all.
"""

import json

from kuaiji.accounts.sms import LoopbackDrillBackend


def test_the_sink_waits_before_writing_when_asked(settings, monkeypatch):
    waited: list[float] = []
    monkeypatch.setattr("kuaiji.accounts.sms.time.sleep", waited.append)

    monkeypatch.delenv("KUAIJI_SMS_DRILL_DELAY_MS", raising=False)
    LoopbackDrillBackend().send(mobile="13800000000", text="验证码 123456")
    monkeypatch.setenv("KUAIJI_SMS_DRILL_DELAY_MS", "4000")
    LoopbackDrillBackend().send(mobile="13800000001", text="验证码 654321")

    assert waited == [4.0]
    lines = settings.KUAIJI_SMS_OUTBOX.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["mobile"] for line in lines] == ["13800000000", "13800000001"]
