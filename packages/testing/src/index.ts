/**
 * @pulseboard/testing — shared helpers for tests that need a real Pulseboard server
 * (private; never published). Any package's tests may import it; no package's source may.
 */
export { ADMIN_TOKEN, startTestServer, testClient, waitFor, testSeed, seededRandom, TcpProxy, type TestServer, type TestServerOptions } from './real-server.js';
export { REPO_ROOT, spawnCli, startChildServer, type ChildCli } from './child-server.js';
export { PROMETHEUS_BIN, skipWithoutPrometheus, startPrometheus, type PrometheusProcess } from './prometheus-process.js';
export { freePort } from './free-port.js';
