/**
 * Bringing tensors' values to JavaScript memory asynchronously. On a GPU values can only be read
 * with `await`, so code that reads many tensors synchronously afterwards (saving a checkpoint,
 * `stateDict()`, `.item()`) fetches them first.
 */
import type { Tensor } from './tensor.js';

/**
 * Reads every tensor's device values into JavaScript memory (the device copy stays; a later write
 * drops the host copy again). Afterwards `.item()`, `.tolist()` and saving work on them.
 */
export async function fetchTensors(tensors: Iterable<Tensor>): Promise<void> {
  await Promise.all([...tensors].map((t) => t._storage.fetch()));
}
