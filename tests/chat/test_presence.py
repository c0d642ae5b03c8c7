"""Presence and the send limit, in one process and across processes through Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coil.chat.presence import PREFIX, MemoryPresence, RedisPresence
from tests.conftest import REDIS_URL, need


def test_memory_presence_counts_people_not_tabs():
    store = MemoryPresence()
    store.enter(1, "sid-a", 10)
    store.enter(1, "sid-b", 10)  # a second tab
    store.enter(1, "sid-c", 11)
    store.enter(2, "sid-a", 10)
    assert store.users(1) == {10, 11} and store.rooms_of("sid-a") == [1, 2]
    store.leave(1, "sid-a")
    assert store.users(1) == {10, 11}  # the other tab is still there
    store.leave(1, "sid-b")
    assert store.users(1) == {11} and store.rooms_of("sid-a") == [2]
    assert store.sweep() == []


@pytest.fixture()
def redis_client() -> Iterator[object]:
    need("Redis", bool(REDIS_URL))
    import redis

    client = redis.Redis.from_url(REDIS_URL)

    def clean() -> None:
        keys = list(client.scan_iter(f"{PREFIX}:*"))
        if keys:
            client.delete(*keys)

    clean()
    yield client
    clean()
    client.close()


def test_two_processes_see_each_others_people(redis_client):
    one, two = RedisPresence(redis_client, ttl=30), RedisPresence(redis_client, ttl=30)
    one.enter(7, "sid-1", 100)
    two.enter(7, "sid-2", 200)
    assert one.users(7) == two.users(7) == {100, 200}
    two.leave(7, "sid-2")
    assert one.users(7) == {100}
    assert two.rooms_of("sid-1") == []  # each process knows only its own connections


def test_the_people_of_a_dead_process_disappear_and_the_sweep_names_their_rooms(redis_client):
    alive, dying = RedisPresence(redis_client, ttl=30), RedisPresence(redis_client, ttl=30)
    alive.enter(7, "sid-1", 100)
    dying.enter(7, "sid-2", 200)
    dying.enter(8, "sid-3", 300)
    assert alive.users(8) == {300}
    redis_client.delete(f"{PREFIX}:process:{dying.process}")  # its heartbeat expired
    assert sorted(alive.sweep()) == [7, 8]
    assert alive.users(7) == {100} and alive.users(8) == set()
    assert alive.sweep() == []  # told once
    assert not redis_client.sismember(f"{PREFIX}:rooms", 8)


def test_a_process_heartbeat_expires_by_itself(redis_client):
    store = RedisPresence(redis_client, ttl=1)
    store.enter(9, "sid", 1)
    assert 0 < redis_client.ttl(f"{PREFIX}:process:{store.process}") <= 1


def test_the_send_limit_is_one_budget_for_all_processes_with_redis(app):
    need("Redis", bool(REDIS_URL))
    from coil.chat.ratelimit import ChatLimiter

    app.config.update(CHAT_RATE_LIMIT="3 per minute", RATELIMIT_STORAGE_URI=REDIS_URL)
    first, second = ChatLimiter(app), ChatLimiter(app)  # as in two server processes
    first.reset()
    hits = [limiter.hit(4242) for limiter in (first, second, first, second)]
    assert hits == [True, True, True, False]
    assert first.hit(4243)  # someone else's budget is their own
    first.reset()
