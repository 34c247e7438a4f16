/**
 * The Metacontroller + Kubernetes simulator for scenario tests (tests only, never shipped).
 * Start here: {@link Simulator}; tests/sim/README.md explains the model.
 */
export * from './simulator.js';
export * from './metacontroller.js';
export * from './kube.js';
export * from './store.js';
export * from './apply.js';
export * from './apiserver.js';
export * from './json.js';
