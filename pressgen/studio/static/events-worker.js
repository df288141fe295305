// pressgen studio: one event stream for every open tab. A browser keeps at most six connections to
// one host; with one server-sent-events stream per tab the seventh tab would never load. This shared
// worker holds the only stream and hands each message to every tab connected to it.
"use strict";

const ports = new Set();
let source = null;

function open() {
  source = new EventSource("/events");
  source.onmessage = (event) => {
    for (const port of ports) port.postMessage(event.data);
  };
}

self.onconnect = (event) => {
  const port = event.ports[0];
  ports.add(port);
  port.onmessage = (message) => {
    if (message.data === "bye") ports.delete(port);  // the tab closed or went away
  };
  port.start();
  if (source === null) open();
};
