// The part of autocannon 8's API the load benchmark uses (the package ships no types; @types/autocannon is not
// installed). See node_modules/autocannon/README.md, "API".
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface RawRequest {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }
    interface Request extends RawRequest {
      /** Mutates the request before it is sent; returning a falsy value restarts the sequence. */
      setupRequest?: (request: RawRequest, context: Record<string, unknown>) => RawRequest;
    }
    interface Options {
      url: string | string[];
      connections?: number;
      duration?: number;
      timeout?: number;
      requests?: Request[];
    }
    interface Instance extends EventEmitter {
      stop(): void;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
