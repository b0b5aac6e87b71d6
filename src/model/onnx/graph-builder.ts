/**
 * A small imperative builder for ONNX graphs: named values, auto-named nodes, weights as
 * external-data initializers, and the few composite layers a CLIP ViT needs.
 */
import type { ExternalFile, ModelWeights } from '../weights';
import {
  type AttrValue,
  DType,
  type DTypeCode,
  type GraphSpec,
  type InitializerSpec,
  type NodeSpec,
  serializeModel,
  type ValueSpec,
} from './onnx-model';

/** A serialised ONNX model and the weight files its external-data initializers point into. */
export interface BuiltGraph {
  model: Uint8Array;
  externalData: ExternalFile[];
}

type Attrs = Record<string, number | number[] | string | { float: number }>;

function toAttr(v: Attrs[string]): AttrValue {
  if (typeof v === 'number') return { kind: 'int', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) return { kind: 'ints', value: v };
  return { kind: 'float', value: v.float };
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly inits = new Map<string, InitializerSpec>();
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private counter = 0;

  constructor(
    private readonly name: string,
    /** Null for weight-free graphs (e.g. the association graph). */
    private readonly weights: ModelWeights | null,
  ) {}

  input(name: string, dtype: DTypeCode, dims: (number | string)[]): string {
    this.inputs.push({ name, dtype, dims });
    return name;
  }

  /** Declares `value` as a graph output named `name`. */
  output(value: string, name: string, dtype: DTypeCode, dims: (number | string)[]): void {
    this.op('Identity', [value], {}, name);
    this.outputs.push({ name, dtype, dims });
  }

  op(op: string, inputs: string[], attrs: Attrs = {}, outName?: string): string {
    const id = this.counter++;
    const out = outName ?? `${op.toLowerCase()}_${id}`;
    const a: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(attrs)) a[k] = toAttr(v);
    this.nodes.push({ op, inputs, outputs: [out], name: `${op}_${id}`, attrs: a });
    return out;
  }

  /** A model weight as an initializer (external data, referenced in place). */
  weight(name: string): string {
    if (!this.inits.has(name)) {
      if (!this.weights) throw new Error(`graph ${this.name} has no weights (asked for '${name}')`);
      const r = this.weights.ref(name);
      this.inits.set(name, {
        name,
        dtype: DType.FLOAT,
        dims: r.shape,
        external: { location: r.location, offset: r.offset, length: r.length },
      });
    }
    return name;
  }

  constInt64(values: number[], dims: number[] = [values.length]): string {
    const name = `const_i64_${this.counter++}`;
    const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
    this.inits.set(name, { name, dtype: DType.INT64, dims, raw });
    return name;
  }

  constFloat(values: number[] | Float32Array, dims: number[] = [values.length]): string {
    const name = `const_f32_${this.counter++}`;
    const raw = new Uint8Array(new Float32Array(values).buffer);
    this.inits.set(name, { name, dtype: DType.FLOAT, dims, raw });
    return name;
  }

  // ---- composite layers -------------------------------------------------------------------

  layerNorm(x: string, prefix: string): string {
    return this.op(
      'LayerNormalization',
      [x, this.weight(`${prefix}.weight`), this.weight(`${prefix}.bias`)],
      {
        axis: -1,
        epsilon: { float: 1e-5 },
      },
    );
  }

  /** torch Linear on a 2-D input: y = x Wᵀ + b, with W kept in its [out, in] layout (transB). */
  linear(x2d: string, weight: string, bias: string): string {
    return this.op('Gemm', [x2d, this.weight(weight), this.weight(bias)], { transB: 1 });
  }

  /** Exact GELU (erf form, the pattern onnxruntime fuses) or QuickGELU x·σ(1.702x). */
  gelu(x: string, quick: boolean): string {
    if (quick) {
      const s = this.op('Sigmoid', [this.op('Mul', [x, this.constFloat([1.702], [])])]);
      return this.op('Mul', [x, s]);
    }
    const e = this.op('Erf', [this.op('Div', [x, this.constFloat([Math.SQRT2], [])])]);
    const one = this.op('Add', [e, this.constFloat([1], [])]);
    return this.op('Mul', [this.op('Mul', [x, one]), this.constFloat([0.5], [])]);
  }

  /**
   * One pre-norm residual attention block (OpenCLIP ResidualAttentionBlock) on a 2-D token
   * matrix x2d [B·L, C]. `shape4` is the runtime tensor [B, L, H, D]; `mask` an optional
   * additive [L, L] attention mask.
   */
  residualBlock(
    x2d: string,
    prefix: string,
    dims: { width: number; heads: number },
    shape4: string,
    quickGelu: boolean,
    mask?: string,
  ): string {
    const { width, heads } = dims;
    const headDim = width / heads;
    const h = this.layerNorm(x2d, `${prefix}.ln_1`);
    const qkv = this.linear(h, `${prefix}.attn.in_proj_weight`, `${prefix}.attn.in_proj_bias`);
    const split = this.constInt64([width, width, width]);
    const id = this.counter++;
    const [q, k, v] = [`q_${id}`, `k_${id}`, `v_${id}`];
    this.nodes.push({
      op: 'Split',
      inputs: [qkv, split],
      outputs: [q, k, v],
      name: `Split_${id}`,
      attrs: { axis: { kind: 'int', value: 1 } },
    });
    const scaledQ = this.op('Mul', [q, this.constFloat([1 / Math.sqrt(headDim)], [])]);
    const qh = this.op('Transpose', [this.op('Reshape', [scaledQ, shape4])], { perm: [0, 2, 1, 3] });
    const kh = this.op('Transpose', [this.op('Reshape', [k, shape4])], { perm: [0, 2, 3, 1] });
    const vh = this.op('Transpose', [this.op('Reshape', [v, shape4])], { perm: [0, 2, 1, 3] });
    let scores = this.op('MatMul', [qh, kh]);
    if (mask) scores = this.op('Add', [scores, mask]);
    const probs = this.op('Softmax', [scores], { axis: -1 });
    const ctx = this.op('Transpose', [this.op('MatMul', [probs, vh])], { perm: [0, 2, 1, 3] });
    const ctx2d = this.op('Reshape', [ctx, this.constInt64([-1, width])]);
    const attnOut = this.linear(ctx2d, `${prefix}.attn.out_proj.weight`, `${prefix}.attn.out_proj.bias`);
    const x1 = this.op('Add', [x2d, attnOut]);
    const h2 = this.layerNorm(x1, `${prefix}.ln_2`);
    const fc = this.gelu(this.linear(h2, `${prefix}.mlp.c_fc.weight`, `${prefix}.mlp.c_fc.bias`), quickGelu);
    const proj = this.linear(fc, `${prefix}.mlp.c_proj.weight`, `${prefix}.mlp.c_proj.bias`);
    return this.op('Add', [x1, proj]);
  }

  /** Runtime int64 tensor [dim0(a), dim1(a), ...extra] built from the shape of `a`. */
  shapeOf(a: string, axes: number[], extra: number[]): string {
    const shp = this.op('Shape', [a]);
    const parts = axes.map((ax) => this.op('Gather', [shp, this.constInt64([ax])], { axis: 0 }));
    return this.op('Concat', [...parts, this.constInt64(extra)], { axis: 0 });
  }

  weightNames(): string[] {
    return [...this.inits.values()].filter((i) => i.external).map((i) => i.name);
  }

  build(): GraphSpec {
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: [...this.inits.values()],
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }

  serialize(): Uint8Array {
    return serializeModel(this.build());
  }
}
