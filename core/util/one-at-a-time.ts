/**
 * Runs the tasks given to it one after the other, each once the previous one settled (whether it
 * succeeded or failed): for a check and the change it guards, which must not interleave with
 * another's across their awaits.
 */
export function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = last.then(task, task);
    last = run.catch(() => undefined);
    return run;
  };
}
