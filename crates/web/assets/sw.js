// Xiezuo (协作) service worker: the app shell and the forms of the kinds
// recorded in the field (meetings, milestones, placements) open without a
// connection. Answers come from the network first; the shell, the schemas
// of those forms, the session and the records of those kinds opened online
// are kept on the device and answer when the network does not. Writes are
// never handled here: the page queues them (offline.js).
"use strict";

const CACHE = "xiezuo-shell-v1";
const OFFLINE_KINDS = ["meetings", "milestones", "placements"];
const SHELL = ["/", "/assets/app.js", "/assets/app.css", "/assets/offline.js", "/assets/procedure.js", "/assets/corrections.js", "/assets/echarts.min.js"]
  .concat(OFFLINE_KINDS.map((k) => `/api/v1/schema/${k}`));

// What may be kept on the device: the shell, the forms' schemas, the
// session (role and CSRF token) and single records of the offline kinds.
function keepable(url) {
  if (SHELL.includes(url.pathname) || url.pathname === "/api/v1/session") return true;
  const m = url.pathname.match(/^\/api\/v1\/records\/([a-z_]+)\/[^/]+$/);
  return !!m && OFFLINE_KINDS.includes(m[1]);
}

self.addEventListener("install", (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const navigation = req.mode === "navigate" && url.pathname === "/";
  if (!navigation && !keepable(url)) return;
  ev.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const resp = await fetch(req);
      if (resp.ok) cache.put(navigation ? "/" : req, resp.clone());
      return resp;
    } catch (e) {
      const hit = await cache.match(navigation ? "/" : req, { ignoreSearch: navigation });
      if (hit) return hit;
      return new Response(JSON.stringify({ code: "offline", message: "离线，设备上没有这项内容 offline: not kept on this device" }), {
        status: 503, headers: { "content-type": "application/json" },
      });
    }
  })());
});
