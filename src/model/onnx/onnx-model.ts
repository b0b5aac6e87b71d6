/**
 * Serialises a graph description into ONNX ModelProto bytes (field numbers from onnx.proto3).
 * Large weights are never copied into the model: they are referenced as external data
 * (file key + byte range) and handed to onnxruntime separately.
 */
import { ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values we use. */
export const DType = { FLOAT: 1, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type DTypeCode = (typeof DType)[keyof typeof DType];

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'string'; value: string };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Record<string, AttrValue>;
  domain?: string;
}

export interface ExternalRef {
  location: string;
  offset: number;
  length: number;
}

export interface InitializerSpec {
  name: string;
  dtype: DTypeCode;
  dims: number[];
  /** Inline bytes (small constants) or a reference into an external data file (weights). */
  raw?: Uint8Array;
  external?: ExternalRef;
}

export interface ValueSpec {
  name: string;
  dtype: DTypeCode;
  /** Numbers are fixed sizes, strings are symbolic (dynamic) dimensions. */
  dims: (number | string)[];
}

export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  initializers: InitializerSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

const ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

function writeAttr(w: ProtoWriter, name: string, a: AttrValue): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
  w.int(20, ATTR_TYPE[a.kind]);
}

function writeTensor(w: ProtoWriter, t: InitializerSpec): void {
  w.packedInts(1, t.dims);
  w.int(2, t.dtype);
  w.string(8, t.name);
  if (t.raw) {
    w.bytes(9, t.raw);
  } else if (t.external) {
    const ext = t.external;
    const entry = (k: string, v: string) => (e: ProtoWriter) => {
      e.string(1, k);
      e.string(2, v);
    };
    w.message(13, entry('location', ext.location));
    w.message(13, entry('offset', String(ext.offset)));
    w.message(13, entry('length', String(ext.length)));
    w.int(14, 1); // data_location = EXTERNAL
  } else {
    throw new Error(`initializer ${t.name} has no data`);
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueSpec): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.dtype);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

/** ONNX IR version 8 with opset 17 (LayerNormalization is a standard op from 17 on). */
export function serializeModel(graph: GraphSpec, opset = 17): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8);
  w.string(2, 'winclip-web');
  w.string(3, '1');
  w.message(7, (g) => {
    for (const n of graph.nodes) {
      g.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, i);
        for (const o of n.outputs) nw.string(2, o);
        nw.string(3, n.name);
        nw.string(4, n.op);
        for (const [k, a] of Object.entries(n.attrs)) nw.message(5, (aw) => writeAttr(aw, k, a));
        if (n.domain) nw.string(7, n.domain);
      });
    }
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (tw) => writeTensor(tw, t));
    for (const v of graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, opset);
  });
  return w.finish();
}
