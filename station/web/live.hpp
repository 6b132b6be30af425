#pragma once
// Live spirometry over a WebSocket (issue 15, "live spirometry"): GET /api/live/spirometry
// upgraded, for a technician (the route's roles, the session cookie, the page's CSRF token in
// `?csrf=` and an Origin that is this server: station/web/web_app.cpp), then:
//
//   page → server  {"type":"start","worker":"REGISTRY"[,"device":"ID"]}   {"type":"stop"}
//   server → page  {"type":"started", worker, device, rate_hz, btps}
//                  {"type":"samples", n, first_ms, last_ms, sent_ms, flow_lps, blow, points}
//                    every 20 ms while the device streams: `n` device samples whose times
//                    (first_ms … last_ms, evenly spaced) are the sample clock's fitted times as
//                    Unix epoch milliseconds of this machine (so the page can tell how late it
//                    draws them), `sent_ms` when the message left; `points` [t_s, flow_lps,
//                    volume_l] of the blow in progress (number `blow`, from 1; 0: none), from
//                    its first expiratory sample, BTPS
//                  {"type":"blow", number, blow, session}  after each blow: its acceptability
//                    and usability with reasons, and the session so far (grades, "another blow
//                    needed, because …") — station/spirometry/report session_json
//                  {"type":"done", exam, session, ended, interrupted}  the session stored as
//                    the worker's exam, awaiting review
//                  {"type":"error", code, message}  in the session's language
//
// The session is the command line's: station/app/spirometry_session (capture → segmenter →
// assess_spirometry_capture → store), on the configured flow-stream spirometer the page chose
// (else the first; a `sim:` device starts the devsim simulator, with a script of one coughed blow
// and three good ones). The WebSocket is station/web/live_socket (ws:// or wss://).
// Threading: the WebSocket and the store run on the server's io_context thread (the Database's);
// the capture runs on a thread of its own and posts to it.
#include "station/web/live_socket.hpp"

namespace odyo::station::web {

// What the simulated spirometer blows for a live session from the pages.
inline constexpr const char* kLiveSimulatorScript =
    "quiet:1,cough,quiet:2,normal,quiet:2,normal,quiet:2,normal,quiet:3";

}  // namespace odyo::station::web
