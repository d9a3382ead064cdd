"""The reference for bench/slack_ack.py: a Bolt app on aiohttp whose /coach handler only acks."""

import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

# argv: port, signing secret, Web API base URL (the same local stand-in the coach uses)
app = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=sys.argv[3]), signing_secret=sys.argv[2])


@app.command("/coach")
async def coach(ack) -> None:
    await ack()


async def events(request: web.Request) -> web.Response:
    return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


web_app = web.Application()
web_app.router.add_post("/slack/events", events)
web_app.router.add_get("/healthz", healthz)
web.run_app(web_app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
