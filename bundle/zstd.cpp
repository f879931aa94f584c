#include "bundle/zstd.hpp"

#include <zstd.h>

#include <string>
#include <vector>

#include "egg/core/exit.hpp"

namespace egg::bundle {

struct ZstdCompressor::Impl {
  ZSTD_CCtx* cctx = nullptr;
  ByteSink sink;
  std::vector<char> out;
  ~Impl() { ZSTD_freeCCtx(cctx); }
  void run(std::string_view data, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    for (;;) {
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      std::size_t left = ZSTD_compressStream2(cctx, &o, &in, mode);
      if (ZSTD_isError(left)) throw Error(Exit::failed, std::string("zstd compression: ") + ZSTD_getErrorName(left));
      if (o.pos) sink(std::string_view(out.data(), o.pos));
      bool done = mode == ZSTD_e_continue ? in.pos == in.size : left == 0;
      if (done) return;
    }
  }
};

ZstdCompressor::ZstdCompressor(ByteSink sink, int level, int workers) : impl_(std::make_unique<Impl>()) {
  impl_->cctx = ZSTD_createCCtx();
  if (!impl_->cctx) throw Error(Exit::failed, "zstd: out of memory");
  impl_->sink = std::move(sink);
  impl_->out.resize(ZSTD_CStreamOutSize());
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_checksumFlag, 1);
  // A libzstd built without threads refuses nbWorkers; compressing inline is then correct too.
  if (workers > 0) {
    ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_nbWorkers, workers);
    // Small jobs bound the buffers each worker holds (the default is 4 windows, 8 MiB at level 3);
    // with the default overlap the ratio stays within a fraction of a percent.
    ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_jobSize, 2 << 20);
  }
}
ZstdCompressor::~ZstdCompressor() = default;
void ZstdCompressor::write(std::string_view data) {
  if (!data.empty()) impl_->run(data, ZSTD_e_continue);
}
void ZstdCompressor::finish() { impl_->run({}, ZSTD_e_end); }

struct ZstdDecompressor::Impl {
  ZSTD_DCtx* dctx = nullptr;
  ByteSink sink;
  std::string what;
  std::vector<char> out;
  std::size_t last = 0;  // ZSTD_decompressStream's hint: 0 once a frame is complete
  bool any = false;
  ~Impl() { ZSTD_freeDCtx(dctx); }
};

ZstdDecompressor::ZstdDecompressor(ByteSink sink, std::string what) : impl_(std::make_unique<Impl>()) {
  impl_->dctx = ZSTD_createDCtx();
  if (!impl_->dctx) throw Error(Exit::failed, "zstd: out of memory");
  impl_->sink = std::move(sink);
  impl_->what = std::move(what);
  impl_->out.resize(ZSTD_DStreamOutSize());
}
ZstdDecompressor::~ZstdDecompressor() = default;

void ZstdDecompressor::feed(std::string_view data) {
  auto& d = *impl_;
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (in.pos < in.size) {
    d.any = true;
    ZSTD_outBuffer o{d.out.data(), d.out.size(), 0};
    std::size_t r = ZSTD_decompressStream(d.dctx, &o, &in);
    if (ZSTD_isError(r)) throw Error(Exit::verify, d.what + ": zstd data is corrupt (" + ZSTD_getErrorName(r) + ")");
    d.last = r;
    if (o.pos) d.sink(std::string_view(d.out.data(), o.pos));
    // The decoder may hold output it could not flush into a full buffer.
    while (o.pos == o.size) {
      o = {d.out.data(), d.out.size(), 0};
      ZSTD_inBuffer none{nullptr, 0, 0};
      r = ZSTD_decompressStream(d.dctx, &o, &none);
      if (ZSTD_isError(r)) throw Error(Exit::verify, d.what + ": zstd data is corrupt (" + ZSTD_getErrorName(r) + ")");
      d.last = r;
      if (o.pos) d.sink(std::string_view(d.out.data(), o.pos));
    }
  }
}

void ZstdDecompressor::finish() {
  if (!impl_->any || impl_->last != 0) throw Error(Exit::verify, impl_->what + ": zstd data is truncated");
}

std::size_t zstd_probe_size(std::string_view data) {
  std::vector<char> out(ZSTD_compressBound(data.size()));
  std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  return ZSTD_isError(n) ? data.size() : n;
}

}  // namespace egg::bundle
