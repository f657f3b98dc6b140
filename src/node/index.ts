/**
 * convkit's entry point in Node (package.json "exports" condition "node"): the whole browser-safe
 * API, plus worker_threads for the wasm backend's thread pool and Dawn for the webgpu backend.
 */
import { setThreadPlatform } from '../backends/wasm/pool.js';
import { nodeThreads } from './threads.js';
import './webgpu.js';

setThreadPlatform(nodeThreads);

export * from '../index.js';
