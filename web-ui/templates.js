// A new pipeline's starting point, one per window kind: each is a complete definition that validates as
// it is (the dashboard's browser test checks that), receiving events by POST.
export const TEMPLATES = {
  tumbling: `# Events per user and minute: a tumbling window on the events' own time.
name: my-counts
source: {kind: http}                  # POST /api/pipelines/my-counts/events
key: event.user
clock:
  kind: event
  timestamp: event.ts                 # RFC 3339 with an offset, or epoch milliseconds
  wait: 5s                            # accept items up to 5 s out of order
window:
  kind: tumbling
  length: 1m
aggregate:
  count: true
`,
  sliding: `# A moving average per sensor: windows of 5 minutes, one starting every minute.
name: my-averages
source: {kind: http}
key: event.sensor
value: event.value
clock:
  kind: event
  timestamp: event.ts
  wait: 10s
window:
  kind: sliding
  length: 5m
  offset: 1m
aggregate:
  mean: true
`,
  session: `# Sessions per user: a session ends after 30 s without activity.
name: my-sessions
source: {kind: http}
key: event.user
clock:
  kind: event
  timestamp: event.ts
  wait: 10s
window:
  kind: session
  gap: 30s
aggregate:
  fold:
    init: '{"events": 0}'
    step: '{"events": acc.events + 1}'
    merge: '{"events": acc.events + other.events}'   # two sessions a late event joins
`,
};
