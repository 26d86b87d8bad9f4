"""Per-user WebSocket: notifications, badge counts, participant counts."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .services import user_group

CLOSE_TOKEN_EXPIRED = 4001  # the client refreshes its cookies, then reconnects


class UserConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            if self.scope.get("auth_error") == "expired":
                await self.accept()
                await self.close(code=CLOSE_TOKEN_EXPIRED)
            else:
                await self.close()
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        pass  # catch-up and pings: the Notifications issue

    async def notification_created(self, event):
        await self.send_json({"type": "notification", "id": event["id"]})

    async def live_update(self, event):
        await self.send_json({"type": "update", "kind": event["kind"], "data": event["data"]})


_ = database_sync_to_async  # used by the Notifications issue
