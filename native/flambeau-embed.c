// flambeau-embed: embeds many texts in one llama_decode, the way llama.cpp's own server batches
// embeddings (one sequence id per text, the pooled vector of each sequence read with
// llama_get_embeddings_seq). node-llama-cpp 3.21 reads sequence 0 only, so it cannot.
//
// This addon does not link libllama: `init(path)` takes the libllama that node-llama-cpp has
// already loaded into the process (dlopen with RTLD_NOLOAD fails when it is not there), so there is
// one copy of llama.cpp and ggml, with the backends node-llama-cpp registered. Its struct layouts
// come from the llama.h of the exact release node-llama-cpp ships (extracted from its bundled
// llama.cpp source at build time, scripts/build-native.mjs). See docs/decisions/0016.
//
// JavaScript surface (src/engine/batch-embedder.ts wraps it):
//   init(libllamaPath: string): void
//   load(modelPath, gpuLayers, contextSize, sequences, threads): Promise<handle>
//   embed(handle, tokens: Int32Array, lengths: Int32Array): Promise<Float32Array>   one llama_decode
//   info(handle): { embeddingSize, pooling, contextSize, sequences, threads, decodes, poolsHere }
//   free(handle): void
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#include "ggml-backend.h"
#include "llama.h"

#define LLAMA_FUNCTIONS(X)           \
  X(llama_model_default_params)      \
  X(llama_context_default_params)    \
  X(llama_model_load_from_file)      \
  X(llama_model_free)                \
  X(llama_model_has_encoder)         \
  X(llama_model_has_decoder)         \
  X(llama_model_n_embd_out)          \
  X(llama_model_n_cls_out)           \
  X(llama_init_from_model)           \
  X(llama_free)                      \
  X(llama_pooling_type)              \
  X(llama_n_ctx)                     \
  X(llama_n_seq_max)                 \
  X(llama_n_threads)                 \
  X(llama_get_memory)                \
  X(llama_memory_clear)              \
  X(llama_batch_init)                \
  X(llama_batch_free)                \
  X(llama_decode)                    \
  X(llama_get_embeddings_seq)        \
  X(llama_get_embeddings_ith)        \
  X(llama_model_get_vocab)           \
  X(llama_vocab_n_tokens)            \
  X(ggml_backend_tensor_get)

static struct {
#define DECLARE(name) __typeof__(name) *name;
  LLAMA_FUNCTIONS(DECLARE)
#undef DECLARE
} L;
static int bound = 0;

typedef struct {
  struct llama_model *model;
  struct llama_context *ctx;
  int32_t embedding_size;
  enum llama_pooling_type pooling;
  int busy;
  double decodes;
  // Pooling from the final norm (see on_node): 1 when the load check found it equal to llama.cpp's.
  int pool_here;
  // State of the decode under way, read by on_node (one decode at a time per context: `busy`).
  int cut_armed;     // stop the graph at "result_norm" and copy its rows
  int cut_done;      // the rows were copied
  float *rows;       // n_tokens x embedding_size
  int32_t rows_count;
} Embedder;

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "flambeau-embed: N-API call failed");    \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value reject_with(napi_env env, napi_deferred deferred, const char *message) {
  napi_value text, error;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, NULL, text, &error);
  napi_reject_deferred(env, deferred, error);
  return NULL;
}

// ---- init ----------------------------------------------------------------------------------

static napi_value Init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[4096];
  size_t length = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length) != napi_ok || length == 0)
    return throw_error(env, "init(libllamaPath) needs the path of the loaded libllama");
  // RTLD_NOLOAD: only a libllama that is already in the process (node-llama-cpp's), never a second copy.
  void *library = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (library == NULL) {
    char message[4400];
    snprintf(message, sizeof message, "libllama is not loaded in this process (%s)", dlerror());
    return throw_error(env, message);
  }
#define BIND(name)                                                         \
  L.name = (__typeof__(name) *)dlsym(library, #name);                      \
  if (L.name == NULL) return throw_error(env, "libllama lacks " #name);
  LLAMA_FUNCTIONS(BIND)
#undef BIND
  bound = 1;
  return NULL;
}

// ---- handle ----------------------------------------------------------------------------------

static void free_embedder(Embedder *e) {
  if (e->ctx != NULL) L.llama_free(e->ctx);
  if (e->model != NULL) L.llama_model_free(e->model);
  e->ctx = NULL;
  e->model = NULL;
}

static void finalize_embedder(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Embedder *e = data;
  free_embedder(e);
  free(e);
}

static Embedder *unwrap(napi_env env, napi_value value) {
  napi_valuetype type;
  void *data = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return data;
}

// ---- load ------------------------------------------------------------------------------------

static bool on_node(struct ggml_tensor *t, bool ask, void *user_data);
static void check_pool_here(Embedder *e);

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char *path;
  int32_t gpu_layers;
  uint32_t context_size, sequences;
  int32_t threads;
  Embedder *result;
  const char *error;
} LoadJob;

static void load_execute(napi_env env, void *data) {
  (void)env;
  LoadJob *job = data;
  struct llama_model_params mp = L.llama_model_default_params();
  mp.n_gpu_layers = job->gpu_layers;
  struct llama_model *model = L.llama_model_load_from_file(job->path, mp);
  if (model == NULL) {
    job->error = "llama.cpp could not load the model";
    return;
  }
  if (L.llama_model_has_encoder(model) && L.llama_model_has_decoder(model)) {
    L.llama_model_free(model);
    job->error = "encoder-decoder models cannot embed";
    return;
  }
  struct llama_context_params cp = L.llama_context_default_params();
  cp.n_ctx = job->context_size;
  // The whole batch in one ubatch: a pooled (non-causal) embedding must see its input at once.
  cp.n_batch = job->context_size;
  cp.n_ubatch = job->context_size;
  cp.n_seq_max = job->sequences;
  // One KV buffer shared by the sequences: each text may use the whole context, as one per call did.
  cp.kv_unified = 1;
  cp.n_threads = job->threads;
  cp.n_threads_batch = job->threads;
  cp.embeddings = 1;
  cp.no_perf = 1;
  cp.swa_full = 0;
  // Set before the context exists, so it is allocated first: on_node only reads it while a decode runs.
  Embedder *e = calloc(1, sizeof *e);
  if (e == NULL) {
    L.llama_model_free(model);
    job->error = "out of memory";
    return;
  }
  cp.cb_eval = on_node;
  cp.cb_eval_user_data = e;
  // pooling_type stays UNSPECIFIED (the GGUF's) and flash attention "auto", as node-llama-cpp's defaults.
  struct llama_context *ctx = L.llama_init_from_model(model, cp);
  if (ctx == NULL) {
    free(e);
    L.llama_model_free(model);
    job->error = "llama.cpp could not create the embedding context";
    return;
  }
  e->model = model;
  e->ctx = ctx;
  e->pooling = L.llama_pooling_type(ctx);
  e->embedding_size = e->pooling == LLAMA_POOLING_TYPE_RANK ? (int32_t)L.llama_model_n_cls_out(model) : L.llama_model_n_embd_out(model);
  check_pool_here(e);
  // Only to measure what the cut saves (docs/decisions/0016, h-emb3): the whole graph, as before.
  if (getenv("FLAMBEAU_EMBED_NO_CUT") != NULL) e->pool_here = 0;
  job->result = e;
}

static void load_complete(napi_env env, napi_status status, void *data) {
  LoadJob *job = data;
  if (status != napi_ok && job->result == NULL && job->error == NULL) job->error = "the load was cancelled";
  if (job->result != NULL) {
    napi_value external;
    if (napi_create_external(env, job->result, finalize_embedder, NULL, &external) == napi_ok) {
      napi_resolve_deferred(env, job->deferred, external);
    } else {
      finalize_embedder(env, job->result, NULL);
      reject_with(env, job->deferred, "flambeau-embed: could not wrap the context");
    }
  } else {
    reject_with(env, job->deferred, job->error);
  }
  napi_delete_async_work(env, job->work);
  free(job->path);
  free(job);
}

static napi_value Load(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!bound) return throw_error(env, "flambeau-embed: init() first");
  if (argc < 5) return throw_error(env, "load(modelPath, gpuLayers, contextSize, sequences, threads)");
  size_t length = 0;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &length) != napi_ok) return throw_error(env, "modelPath must be a string");
  LoadJob *job = calloc(1, sizeof *job);
  if (job == NULL) return throw_error(env, "out of memory");
  job->path = malloc(length + 1);
  uint32_t context_size = 0, sequences = 0;
  int32_t gpu_layers = 0, threads = 0;
  if (job->path == NULL || napi_get_value_string_utf8(env, argv[0], job->path, length + 1, &length) != napi_ok ||
      napi_get_value_int32(env, argv[1], &gpu_layers) != napi_ok || napi_get_value_uint32(env, argv[2], &context_size) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &sequences) != napi_ok || napi_get_value_int32(env, argv[4], &threads) != napi_ok ||
      context_size == 0 || sequences == 0 || sequences > 256 || threads <= 0) {
    free(job->path);
    free(job);
    return throw_error(env, "load(): bad arguments");
  }
  job->gpu_layers = gpu_layers;
  job->context_size = context_size;
  job->sequences = sequences;
  job->threads = threads;
  napi_value promise, name;
  CHECK(napi_create_promise(env, &job->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "flambeau-embed:load", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, load_execute, load_complete, job, &job->work));
  CHECK(napi_queue_async_work(env, job->work));
  return promise;
}

// ---- embed -----------------------------------------------------------------------------------

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref handle; // keeps the context alive while the decode runs
  Embedder *e;
  int32_t *tokens;
  int32_t *lengths;
  int32_t count, total;
  float *out;
  char error[160];
} EmbedJob;

// ---- decode ----------------------------------------------------------------------------------
//
// Why the graph is stopped at "result_norm". A decoder-only model (llama and most GGUF LLMs) ends
// its graph with the output projection, hidden state x vocabulary, and an embedding context marks
// every token as an output, so llama.cpp computes (and copies to the host) the logits of every
// token although pooled embeddings never read them. For the test GGUF (256 wide, 2,577 tokens of
// vocabulary, one layer) that matrix product is most of the work per token (docs/decisions/0016,
// h-emb3). ggml's scheduler calls `cb_eval` for the nodes it computes; returning false once the
// final norm is computed cancels the rest of the graph (ggml-backend.h documents it). The addon then
// pools the final norm's rows itself, as build_pooling would (mean, first or last row of each
// sequence), and never reads llama.cpp's pooled output or logits from that decode.

static const char CUT_NODE[] = "result_norm";

static bool on_node(struct ggml_tensor *t, bool ask, void *user_data) {
  Embedder *e = user_data;
  if (!e->cut_armed) return !ask; // observe nothing, never cancel
  int is_cut = strcmp(t->name, CUT_NODE) == 0;
  if (ask) return is_cut;
  if (!is_cut) return true;
  // The rows of every token of the batch, F32 and contiguous, one per token in batch order (a
  // unified KV cache splits the batch in order, and every token is an output).
  if (t->type != GGML_TYPE_F32 || t->ne[0] != e->embedding_size || t->ne[1] != e->rows_count || t->ne[2] != 1 ||
      t->ne[3] != 1 || t->nb[1] != sizeof(float) * (size_t)t->ne[0]) {
    return true; // not the tensor expected: let llama.cpp finish and pool
  }
  L.ggml_backend_tensor_get(t, e->rows, 0, sizeof(float) * (size_t)e->rows_count * (size_t)e->embedding_size);
  e->cut_done = 1;
  return false;
}

// Pools rows [from, to) of e->rows as build_pooling does for the context's pooling type.
static void pool_rows(const Embedder *e, int32_t from, int32_t to, float *out) {
  const size_t width = (size_t)e->embedding_size;
  switch (e->pooling) {
    case LLAMA_POOLING_TYPE_MEAN: {
      for (size_t d = 0; d < width; d++) {
        double sum = 0;
        for (int32_t r = from; r < to; r++) sum += e->rows[(size_t)r * width + d];
        out[d] = (float)(sum / (double)(to - from));
      }
      break;
    }
    case LLAMA_POOLING_TYPE_CLS:
      memcpy(out, e->rows + (size_t)from * width, sizeof(float) * width);
      break;
    default: // LAST, and NONE (the last token's row, as node-llama-cpp's getEmbedding reads)
      memcpy(out, e->rows + (size_t)(to - 1) * width, sizeof(float) * width);
      break;
  }
}

// One llama_decode of `count` sequences (tokens laid end to end), their vectors into `out`
// (count x embedding_size). `pool_here`: stop at the final norm and pool in the addon.
static int decode_into(Embedder *e, const int32_t *tokens, const int32_t *lengths, int32_t count, int32_t total, int pool_here,
                       float *out, char *error, size_t error_size) {
  int ok = 0;
  llama_memory_t memory = NULL;
  struct llama_batch batch = L.llama_batch_init(total, 0, 1);
  int32_t *first = malloc(sizeof(int32_t) * (size_t)count);
  float *rows = pool_here ? malloc(sizeof(float) * (size_t)total * (size_t)e->embedding_size) : NULL;
  if (first == NULL || (pool_here && rows == NULL)) {
    snprintf(error, error_size, "out of memory");
    goto done;
  }
  int32_t k = 0;
  for (int32_t s = 0; s < count; s++) {
    first[s] = k;
    for (int32_t t = 0; t < lengths[s]; t++, k++) {
      batch.token[k] = tokens[k];
      batch.pos[k] = t;
      batch.n_seq_id[k] = 1;
      batch.seq_id[k][0] = s;
      // Embedding contexts output every token; the flag marks the row a NONE-pooled model is read from.
      batch.logits[k] = t == lengths[s] - 1;
    }
  }
  batch.n_tokens = total;
  memory = L.llama_get_memory(e->ctx);
  if (memory != NULL) L.llama_memory_clear(memory, 1);
  e->rows = rows;
  e->rows_count = total;
  e->cut_done = 0;
  e->cut_armed = pool_here;
  int32_t rc = L.llama_decode(e->ctx, batch);
  e->cut_armed = 0;
  e->decodes += 1;
  if (rc != 0) {
    snprintf(error, error_size, "llama_decode failed (%d)", rc);
    goto done;
  }
  for (int32_t s = 0; s < count; s++) {
    float *target = out + (size_t)s * (size_t)e->embedding_size;
    if (e->cut_done) {
      pool_rows(e, first[s], first[s] + lengths[s], target);
      continue;
    }
    const float *vector = e->pooling == LLAMA_POOLING_TYPE_NONE ? NULL : L.llama_get_embeddings_seq(e->ctx, s);
    if (vector == NULL) vector = L.llama_get_embeddings_ith(e->ctx, first[s] + lengths[s] - 1);
    if (vector == NULL) {
      snprintf(error, error_size, "no embedding for input %d", s);
      goto done;
    }
    memcpy(target, vector, sizeof(float) * (size_t)e->embedding_size);
  }
  ok = 1;
done:
  e->rows = NULL;
  if (memory != NULL) L.llama_memory_clear(memory, 1);
  L.llama_batch_free(batch);
  free(first);
  free(rows);
  return ok;
}

// Decides at load whether this model may be pooled in the addon: two inputs decoded both ways,
// the vectors equal within 1e-5 of their size (the tolerance the tests hold the paths to). Any
// doubt (another architecture names its nodes otherwise, RANK pooling's classifier head, a GPU
// split the cut does not see) keeps llama.cpp's own pooling, which is only slower.
static void check_pool_here(Embedder *e) {
  e->pool_here = 0;
  if (e->pooling != LLAMA_POOLING_TYPE_MEAN && e->pooling != LLAMA_POOLING_TYPE_CLS && e->pooling != LLAMA_POOLING_TYPE_LAST &&
      e->pooling != LLAMA_POOLING_TYPE_NONE)
    return;
  int32_t n_vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(e->model));
  if (n_vocab <= 1 || L.llama_n_ctx(e->ctx) < 16 || L.llama_n_seq_max(e->ctx) < 2) return;
  int32_t lengths[2] = {9, 5}, tokens[14];
  for (int32_t i = 0; i < 14; i++) tokens[i] = (int32_t)((1 + 7 * (int64_t)i) % n_vocab);
  size_t floats = 2 * (size_t)e->embedding_size;
  float *reference = malloc(sizeof(float) * floats), *pooled = malloc(sizeof(float) * floats);
  char error[160];
  if (reference != NULL && pooled != NULL && decode_into(e, tokens, lengths, 2, 14, 0, reference, error, sizeof error) &&
      decode_into(e, tokens, lengths, 2, 14, 1, pooled, error, sizeof error)) {
    int same = 1;
    for (int s = 0; s < 2 && same; s++) {
      double norm = 0, diff = 0;
      for (int32_t d = 0; d < e->embedding_size; d++) {
        double r = reference[s * e->embedding_size + d], p = pooled[s * e->embedding_size + d];
        norm += r * r;
        diff = diff > (r - p) * (r - p) ? diff : (r - p) * (r - p);
      }
      if (!(diff <= 1e-10 * (norm > 1 ? norm : 1))) same = 0;
    }
    e->pool_here = same;
  }
  e->decodes = 0;
  free(reference);
  free(pooled);
}

static void embed_execute(napi_env env, void *data) {
  (void)env;
  EmbedJob *job = data;
  Embedder *e = job->e;
  job->out = malloc(sizeof(float) * (size_t)job->count * (size_t)e->embedding_size);
  if (job->out == NULL) {
    snprintf(job->error, sizeof job->error, "out of memory");
    return;
  }
  decode_into(e, job->tokens, job->lengths, job->count, job->total, e->pool_here, job->out, job->error, sizeof job->error);
}

static void embed_complete(napi_env env, napi_status status, void *data) {
  EmbedJob *job = data;
  job->e->busy = 0;
  if (status != napi_ok && job->error[0] == 0) snprintf(job->error, sizeof job->error, "the embedding was cancelled");
  if (job->error[0] != 0) {
    reject_with(env, job->deferred, job->error);
  } else {
    size_t floats = (size_t)job->count * (size_t)job->e->embedding_size;
    void *bytes = NULL;
    napi_value buffer, array;
    if (napi_create_arraybuffer(env, floats * sizeof(float), &bytes, &buffer) == napi_ok &&
        napi_create_typedarray(env, napi_float32_array, floats, buffer, 0, &array) == napi_ok) {
      memcpy(bytes, job->out, floats * sizeof(float));
      napi_resolve_deferred(env, job->deferred, array);
    } else {
      reject_with(env, job->deferred, "flambeau-embed: could not allocate the result");
    }
  }
  napi_delete_reference(env, job->handle);
  napi_delete_async_work(env, job->work);
  free(job->tokens);
  free(job->lengths);
  free(job->out);
  free(job);
}

static int32_t *copy_int32(napi_env env, napi_value value, size_t *count) {
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, count, &data, NULL, NULL) != napi_ok || type != napi_int32_array) return NULL;
  int32_t *copy = malloc(sizeof(int32_t) * (*count > 0 ? *count : 1));
  if (copy != NULL && *count > 0) memcpy(copy, data, sizeof(int32_t) * *count);
  return copy;
}

static napi_value Embed(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Embedder *e = argc >= 3 ? unwrap(env, argv[0]) : NULL;
  if (e == NULL || e->ctx == NULL) return throw_error(env, "embed(): no such context (freed?)");
  if (e->busy) return throw_error(env, "embed(): the context is busy");
  size_t n_tokens = 0, n_lengths = 0;
  int32_t *tokens = copy_int32(env, argv[1], &n_tokens);
  int32_t *lengths = copy_int32(env, argv[2], &n_lengths);
  int64_t total = 0;
  int ok = tokens != NULL && lengths != NULL && n_lengths > 0 && n_lengths <= L.llama_n_seq_max(e->ctx);
  for (size_t i = 0; ok && i < n_lengths; i++) {
    if (lengths[i] <= 0) ok = 0;
    total += lengths[i];
  }
  if (!ok || total != (int64_t)n_tokens || total > (int64_t)L.llama_n_ctx(e->ctx)) {
    free(tokens);
    free(lengths);
    return throw_error(env, "embed(): bad batch (1..sequences inputs, each non-empty, at most contextSize tokens in all)");
  }
  EmbedJob *job = calloc(1, sizeof *job);
  if (job == NULL) {
    free(tokens);
    free(lengths);
    return throw_error(env, "out of memory");
  }
  job->e = e;
  job->tokens = tokens;
  job->lengths = lengths;
  job->count = (int32_t)n_lengths;
  job->total = (int32_t)total;
  napi_value promise, name;
  CHECK(napi_create_reference(env, argv[0], 1, &job->handle));
  CHECK(napi_create_promise(env, &job->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "flambeau-embed:embed", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, embed_execute, embed_complete, job, &job->work));
  e->busy = 1;
  CHECK(napi_queue_async_work(env, job->work));
  return promise;
}

// ---- info, free ------------------------------------------------------------------------------

static napi_value set_number(napi_env env, napi_value object, const char *key, double value) {
  napi_value number;
  if (napi_create_double(env, value, &number) == napi_ok) napi_set_named_property(env, object, key, number);
  return object;
}

static napi_value Info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Embedder *e = argc >= 1 ? unwrap(env, argv[0]) : NULL;
  if (e == NULL || e->ctx == NULL) return throw_error(env, "info(): no such context (freed?)");
  CHECK(napi_create_object(env, &result));
  set_number(env, result, "embeddingSize", e->embedding_size);
  set_number(env, result, "pooling", e->pooling);
  set_number(env, result, "contextSize", L.llama_n_ctx(e->ctx));
  set_number(env, result, "sequences", L.llama_n_seq_max(e->ctx));
  set_number(env, result, "threads", L.llama_n_threads(e->ctx));
  set_number(env, result, "decodes", e->decodes);
  set_number(env, result, "poolsHere", e->pool_here);
  return result;
}

static napi_value Free(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Embedder *e = argc >= 1 ? unwrap(env, argv[0]) : NULL;
  if (e == NULL) return throw_error(env, "free(): not a context");
  if (e->busy) return throw_error(env, "free(): the context is busy");
  free_embedder(e);
  return NULL;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor properties[] = {
      {"init", NULL, Init, NULL, NULL, NULL, napi_default, NULL},
      {"load", NULL, Load, NULL, NULL, NULL, napi_default, NULL},
      {"embed", NULL, Embed, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
      {"free", NULL, Free, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok) return NULL;
  return exports;
}
