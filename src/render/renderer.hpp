#pragma once

#include <glad/gl.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "pixel/gray_pipeline.hpp"
#include "pixel/reformat.hpp"
#include "pixel/render.hpp"

namespace dcmlens::render {

class GlProgram;
class ProgramCache;
class HostMemory;

// The stored values of one image or stack, as integers (R16UI, R16I, RGB8UI, ...: exact, read with
// texelFetch), in one of two kinds of storage:
//  - textures: every frame a layer of 2D array textures. Layers are grouped in chunks of about
//    32 MB, each its own array texture allocated when its first layer is uploaded, so a long stack
//    shows its first image without waiting for the whole allocation and is not bound by
//    GL_MAX_ARRAY_TEXTURE_LAYERS. Images wider or taller than GL_MAX_TEXTURE_SIZE are split into
//    tiles.
//  - shared memory (single-sample images on a software driver): the layers, one after another, in
//    page-aligned host memory that the driver samples in place as buffer textures
//    (GL_AMD_pinned_memory). Decoders write straight into it (Renderer::layerMemory), so a layer
//    becomes resident without a copy; a texture would make llvmpipe zero-fill and copy every byte
//    on the GL thread.
// Must be destroyed while the GL context that made it is current.
class GpuImage {
public:
    ~GpuImage();
    GpuImage(const GpuImage&) = delete;
    GpuImage& operator=(const GpuImage&) = delete;

    int width() const { return width_; }
    int height() const { return height_; }
    int layers() const { return layers_; }
    int samples() const { return samples_; }
    std::size_t tileCount() const { return tiles_.size(); }
    bool sharedMemory() const { return !memory_.empty(); }

private:
    friend class Renderer;
    GpuImage() = default;
    struct Tile {
        int x = 0, y = 0, width = 0, height = 0;
        // One per chunk of layers; 0 until allocated. Shared memory: buffer textures.
        std::vector<GLuint> textures;
    };
    int chunkLayers_ = 1;
    GLenum internalFormat_ = 0;
    GLenum format_ = 0;
    GLenum pixelType_ = 0;
    int width_ = 0;
    int height_ = 0;
    int layers_ = 0;
    int samples_ = 1;
    model::SampleType type_ = model::SampleType::U16;
    std::vector<Tile> tiles_;
    // Shared memory: per chunk, the memory and the buffer object over it.
    std::vector<std::shared_ptr<HostMemory>> memory_;
    std::vector<GLuint> buffers_;
};

// A GpuImage's layers seen as the slices of a volume: small integer tables (per slice its layer,
// or -1 while it is not loaded, and its rescale; for uneven volumes the slices' positions and the
// buckets that find them: pixel::VolumeGrid), uploaded once. The stored values stay where they
// are: a plane is a different fetch from the same layers. Must be destroyed while the GL context
// that made it is current.
class GpuVolume {
public:
    ~GpuVolume();
    GpuVolume(const GpuVolume&) = delete;
    GpuVolume& operator=(const GpuVolume&) = delete;
    const pixel::VolumeGrid& grid() const { return grid_; }

    // What a slice of the volume is now: where it lives (-1: not loaded) and its rescale
    // (ignored for Modality LUT volumes, which use the pipeline's LUT).
    struct Slice {
        int layer = -1;
        double slope = 1;
        double intercept = 0;
    };

private:
    friend class Renderer;
    GpuVolume() = default;
    pixel::VolumeGrid grid_;
    std::vector<std::array<std::int32_t, 4>> info_;  // what u_sliceInfo holds
    // Every slice resident at layer0 + k * layerStep, one rescale: the shader takes those from
    // uniforms instead of reading the table at every sample.
    void findDirect(const std::vector<Slice>& slices);
    bool direct_ = false;
    int layer0_ = 0;
    int layerStep_ = 1;
    double slope_ = 1;
    double intercept_ = 0;
    GLuint info = 0;
    GLuint positions = 0;
    GLuint buckets = 0;
};

// What to draw of a volume: a plane (or slab) through the display pipeline. `gray` gives the VOI,
// polarity and a Modality LUT if the volume has one; rescales are per slice (GpuVolume::Slice).
struct PlaneDrawRequest {
    const pixel::GrayPipeline* gray = nullptr;
    std::string colormap = "gray";
    bool linear = false;  // trilinear (nearest otherwise)
    const pixel::PlaneSampling* sampling = nullptr;
};

// What to draw: one layer of a GpuImage through a display pipeline into the bound framebuffer.
struct DrawRequest {
    const model::Instance* instance = nullptr;  // photometric, palette, bits
    const pixel::GrayPipeline* gray = nullptr;  // required for greyscale images
    std::string colormap = "gray";
    int layer = 0;
    bool linear = false;  // bilinear interpolation of modality values (greyscale)
    pixel::ViewMapping view;
    int outputWidth = 0;
    int outputHeight = 0;
};

// The GPU half of the display pipeline: one shader body (shaders/image.frag) implementing
// pipeline.md stage by stage as src/pixel/ does, with uniforms for every parameter and small
// integer textures for LUTs, palettes, colormaps and YBR terms. Changing the window, the VOI
// function, the colormap, the polarity or the layer uploads nothing. Needs a current OpenGL 3.3
// core context with glad loaded; GL objects are freed with the Renderer.
class Renderer {
public:
    enum class Storage {
        Automatic,     // shared memory on software drivers that can sample it, else textures
        Textures,      // always textures
        SharedMemory,  // shared memory wherever the driver has GL_AMD_pinned_memory (tests)
    };
    struct Limits {
        int maxTextureSize = 0;  // 0: GL_MAX_TEXTURE_SIZE; smaller values force tiling (tests)
        Storage storage = Storage::Automatic;
        // 0: GL_MAX_TEXTURE_BUFFER_SIZE; smaller values force more chunks of shared memory (tests)
        std::int64_t maxBufferTexels = 0;
        // Textures: bytes of a chunk of layers; 0: 32 MB (smaller values: more chunks, tests)
        std::uint64_t chunkBytes = 0;
    };
    Renderer() : Renderer(Limits{0}) {}
    // `programCache`: where linked programs are kept between processes (ProgramCache); unset:
    // ProgramCache::defaultDirectory(), empty: none.
    explicit Renderer(Limits limits,
                      const std::optional<std::filesystem::path>& programCache = std::nullopt);
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Allocates an image of `layers` layers shaped like `buffer` and uploads the buffer's frames
    // into the first layers.
    std::unique_ptr<GpuImage> upload(const model::PixelBuffer& buffer, int layers = 0);
    // Allocates an image of `layers` empty layers (filled later with uploadLayer). `maxChunks`
    // > 0: textures use chunks large enough that there are at most that many (as far as
    // GL_MAX_ARRAY_TEXTURE_LAYERS allows), so that a plane draw can bind them all
    // (planeChunkLimit()).
    std::unique_ptr<GpuImage> allocate(int width, int height, int samples, model::SampleType type,
                                       int layers, int maxChunks = 0);
    // Uploads one frame of `buffer` into a layer of an existing image (progressive loading). A
    // frame already in the layer's shared memory (decoded there) costs nothing and counts no bytes;
    // copying another into shared memory first waits for queued draws (they may read the layer).
    void uploadLayer(GpuImage& image, int layer, const model::PixelBuffer& buffer, int bufferFrame);

    // Whether images of this many samples per pixel are kept in shared memory.
    bool sharesMemory(int samples) const { return sharedMemory_ && samples == 1; }
    // The shared memory of layers [layer, layer + count) as a buffer of `count` frames that a
    // decoder may write into (from any thread) before uploadLayer marks them done; empty when
    // the image has no shared memory or the layers span two chunks. Drawing a layer while it is
    // written is the caller's error.
    model::PixelBuffer layerMemory(GpuImage& image, int layer, int count = 1);

    // Allocates the chunk of layers that holds `layer` now rather than at its first upload, so a
    // loader can spend idle time on it (llvmpipe zero-fills fresh memory: ~25 ms for the 40 MB
    // of one 4096x5120 image); returns whether it allocated anything.
    bool reserveChunkOf(GpuImage& image, int layer);

    // Reads one stored value back from the GPU (greyscale images): the pixel probe of images whose
    // only copy is on the GPU. Exact (integer formats). Binds framebuffer 0 afterwards.
    std::int64_t readStored(const GpuImage& image, int layer, int x, int y);

    // Reads a whole greyscale layer back (histograms and statistics of GPU-only stacks). Exact.
    model::PixelBuffer readLayer(const GpuImage& image, int layer);

    // Draws into the bound framebuffer; the viewport is set to the request's output size.
    void draw(const GpuImage& image, const DrawRequest& request);

    // Compiles the shader variant a draw of this kind will use, and draws it once into a 1x1
    // target so that the driver's own compilation (llvmpipe compiles at the first draw) happens
    // now, e.g. while the first image decodes, rather than when it is shown.
    void prepare(const DrawRequest& request, model::SampleType type, int samples);

    // Volumes (MPR). The most chunks of layers a plane draw binds at once (texture units).
    int planeChunkLimit() const { return planeChunks_; }
    // Why an image cannot be drawn as a volume's slices ("" when it can).
    std::string volumeProblem(const GpuImage& image) const;
    // The tables of a volume over `image` (grid.columns x grid.rows = the image's layers' size);
    // `slices` as GpuVolume::Slice says. Uploads a few bytes per slice, once.
    std::unique_ptr<GpuVolume> makeVolume(const GpuImage& image, const pixel::VolumeGrid& grid,
                                          const std::vector<GpuVolume::Slice>& slices);
    // Records slices that became resident (or left): uploads only the rows of the per-slice table
    // that changed (16 bytes a slice), nothing when none did.
    void updateVolume(GpuVolume& volume, const std::vector<GpuVolume::Slice>& slices);
    // Draws a plane of the volume into the bound framebuffer (sampling->width x height): black
    // outside the volume, alpha 0 (and black) where a slice it needs is not loaded. Uploads
    // nothing: planes, slabs, projections and windows are uniforms.
    void drawPlane(const GpuImage& image, const GpuVolume& volume, const PlaneDrawRequest& request);

    // Every byte sent to the GPU by this renderer: textures, LUTs, tables.
    std::uint64_t uploadedBytes() const { return uploaded_; }

    // How this renderer's programs were made (from stored binaries, or compiled).
    const ProgramCache& programCache() const { return *programCache_; }

private:
    struct Table {
        GLuint texture = 0;
        std::shared_ptr<const void> keepAlive;  // the data a cached table was made from
    };
    GLuint chunkTexture(GpuImage& image, GpuImage::Tile& tile, int chunk);
    bool allocateShared(GpuImage& image);
    static std::uint8_t* layerAddress(const GpuImage& image, int layer);
    GLuint lutTexture(const model::LutPtr& lut);
    GLuint paletteTexture(const std::shared_ptr<const model::Palette>& palette);
    GLuint colormapTexture(const std::string& name);
    void ybrTextures(bool truncateTerms, GLuint& redBlue, GLuint& green);
    // The shader variant: the prefix of shaders/image.frag.
    struct Variant {
        bool signedSamples = false;
        int colorMode = 0;  // 0 grey, 1 RGB, 2 8-bit YBR, 3 palette, 4 deeper YBR
        bool linear = false;
        bool modalityLut = false;
        bool voiLut = false;
        bool sigmoid = false;
        bool grayOutput = false;
        bool tiled = false;
        bool buffer = false;  // shared memory: a buffer texture
        bool volume = false;  // a plane of a volume
        bool uneven = false;
        int projection = 0;   // pixel::Projection
        int chunks = 1;       // chunk samplers of a volume draw (1..32)
        bool direct = false;  // a volume's layers and rescale from uniforms (GpuVolume::direct)
        bool coarse = false;  // the float test that keeps far points out (needsCoarseTest)
        int key() const {
            return (signedSamples ? 1 : 0) | colorMode << 1 | (linear ? 16 : 0) |
                   (modalityLut ? 32 : 0) | (voiLut ? 64 : 0) | (sigmoid ? 128 : 0) |
                   (grayOutput ? 256 : 0) | (tiled ? 512 : 0) | (buffer ? 1024 : 0) |
                   (volume ? 2048 : 0) | (uneven ? 4096 : 0) | projection << 13 |
                   (chunks - 1) << 15 | (direct ? 1 << 20 : 0) | (coarse ? 1 << 21 : 0);
        }
    };
    // The uniforms of the greyscale pipeline (modality LUT or rescale, VOI, polarity, colormap).
    void setGrayUniforms(GlProgram& program, const Variant& variant,
                         const pixel::GrayPipeline& gray, const std::string& colormap);
    GLuint tableTexture(GLenum internalFormat, GLenum format, const void* texels, std::size_t count,
                        std::size_t texelBytes);
    static Variant variantFor(const DrawRequest& request, model::SampleType type, int samples,
                              bool tiled, bool buffer);
    GlProgram& program(const Variant& variant);
    GLuint makeTexture(GLenum internalFormat, GLenum format, GLenum type, int width, int height,
                       const void* data, std::size_t bytes);

    Limits limits_;
    int maxTextureSize_ = 0;
    bool sharedMemory_ = false;
    std::int64_t maxBufferTexels_ = 0;
    int planeChunks_ = 1;
    int chunkUnit_ = 16;  // the first texture unit of a plane draw's chunks
    GLuint vao_ = 0;
    std::unique_ptr<ProgramCache> programCache_;
    std::map<int, std::unique_ptr<GlProgram>> programs_;
    std::set<int> warmed_;
    std::map<const void*, Table> tables_;
    std::map<std::string, GLuint> colormaps_;
    GLuint ybr_[2][2] = {{0, 0}, {0, 0}};
    std::uint64_t uploaded_ = 0;
};

// An offscreen RGBA8 render target; read() returns its pixels top row first.
class Framebuffer {
public:
    Framebuffer(int width, int height);
    ~Framebuffer();
    Framebuffer(const Framebuffer&) = delete;
    Framebuffer& operator=(const Framebuffer&) = delete;
    void bind() const;
    GLuint texture() const { return color_; }  // to show the result (e.g. as an ImGui image)
    int width() const { return width_; }
    int height() const { return height_; }
    // 1 channel (the red channel of grey output) or 3 (RGB); `alpha`, when given, receives the
    // alpha channel (0 where a plane draw found a slice not loaded, 255 elsewhere).
    pixel::Image read(int channels, std::vector<std::uint8_t>* alpha = nullptr) const;

private:
    int width_;
    int height_;
    GLuint fbo_ = 0;
    GLuint color_ = 0;
};

}  // namespace dcmlens::render
