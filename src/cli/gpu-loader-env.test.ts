import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureRuntimeDir } from './gpu-loader-env';

describe('ensureRuntimeDir', () => {
  it('gives an environment without XDG_RUNTIME_DIR a private, existing directory of mode 0700', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin' };
    const dir = ensureRuntimeDir(env);
    expect(dir).not.toBeNull();
    expect(env.XDG_RUNTIME_DIR).toBe(dir);
    expect(dir!.startsWith('/')).toBe(true);
    const st = statSync(dir!);
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o700);
  });

  it('replaces a relative XDG_RUNTIME_DIR (libwayland rejects it) and keeps an absolute one', () => {
    const relative: NodeJS.ProcessEnv = { XDG_RUNTIME_DIR: 'run/user/1000' };
    expect(ensureRuntimeDir(relative)).toBe(relative.XDG_RUNTIME_DIR);
    expect(relative.XDG_RUNTIME_DIR!.startsWith('/')).toBe(true);
    const absolute: NodeJS.ProcessEnv = { XDG_RUNTIME_DIR: '/run/user/1000' };
    expect(ensureRuntimeDir(absolute)).toBeNull();
    expect(absolute.XDG_RUNTIME_DIR).toBe('/run/user/1000');
  });
});
