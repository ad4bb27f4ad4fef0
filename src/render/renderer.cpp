#include "render/renderer.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/embedded.hpp"
#include "common/error.hpp"
#include "pixel/color.hpp"
#include "pixel/colormap.hpp"
#include "pixel/level_thresholds.hpp"
#include "pixel/lut.hpp"
#include "pixel/view_sampling.hpp"
#include "render/gl_program.hpp"
#include "render/program_cache.hpp"

namespace dcmlens::shaders {
const EmbeddedFile* embeddedFiles();
std::size_t embeddedFileCount();
}  // namespace dcmlens::shaders

namespace dcmlens::render {

namespace {

std::string shaderSource(const std::string& name) {
    for (std::size_t i = 0; i < shaders::embeddedFileCount(); ++i) {
        if (name == shaders::embeddedFiles()[i].name) {
            return std::string(shaders::embeddedFiles()[i].text());
        }
    }
    throw Error("shader " + name + " is not embedded");
}

struct TextureFormat {
    GLenum internal;
    GLenum format;
    GLenum type;
};

// Integer formats: texelFetch returns the stored value exactly, whatever its width.
TextureFormat formatFor(model::SampleType type, int samples) {
    const bool rgb = samples == 3;
    const GLenum single = rgb ? GL_RGB_INTEGER : GL_RED_INTEGER;
    switch (type) {
        case model::SampleType::U8:
            return {static_cast<GLenum>(rgb ? GL_RGB8UI : GL_R8UI), single, GL_UNSIGNED_BYTE};
        case model::SampleType::I8:
            return {static_cast<GLenum>(rgb ? GL_RGB8I : GL_R8I), single, GL_BYTE};
        case model::SampleType::U16:
            return {static_cast<GLenum>(rgb ? GL_RGB16UI : GL_R16UI), single, GL_UNSIGNED_SHORT};
        case model::SampleType::I16:
            return {static_cast<GLenum>(rgb ? GL_RGB16I : GL_R16I), single, GL_SHORT};
        case model::SampleType::U32:
            return {static_cast<GLenum>(rgb ? GL_RGB32UI : GL_R32UI), single, GL_UNSIGNED_INT};
        case model::SampleType::I32:
            return {static_cast<GLenum>(rgb ? GL_RGB32I : GL_R32I), single, GL_INT};
    }
    return {GL_R16UI, GL_RED_INTEGER, GL_UNSIGNED_SHORT};
}

void setNearest(GLenum target) {
    // Integer textures are incomplete (and silently read 0) with linear filtering.
    glTexParameteri(target, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(target, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

constexpr int kTableWidth = 256;  // LUTs are stored 256 entries per row

// Textures are created and filled on a unit of their own, so that making a table in the middle
// of a draw never replaces a texture the draw has already bound.
void useScratchUnit() {
    glActiveTexture(GL_TEXTURE15);
}

// The smallest float >= a threshold: every float m then compares on the same side of it as in
// double, for rising and falling output alike. GPUs may flush denormals to zero, so tiny
// thresholds are kept off zero's wrong side.
// The nearest floats on one side of a double: a window border the shader tests against must not
// move into the window, or values inside it would take the border's level.
float floatAtMost(double v) {
    float f = static_cast<float>(std::clamp(v, -3.0e38, 3.0e38));
    if (static_cast<double>(f) > v) {
        f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    }
    return f;
}

float floatAtLeast(double v) {
    float f = static_cast<float>(std::clamp(v, -3.0e38, 3.0e38));
    if (static_cast<double>(f) < v) {
        f = std::nextafter(f, std::numeric_limits<float>::infinity());
    }
    return f;
}

float thresholdAsFloat(double threshold) {
    const double v = std::clamp(threshold, -3.0e38, 3.0e38);
    float f = static_cast<float>(v);
    if (static_cast<double>(f) < v) {
        f = std::nextafter(f, std::numeric_limits<float>::infinity());
    }
    if (f > 0 && f < std::numeric_limits<float>::min()) {
        f = std::numeric_limits<float>::min();
    } else if (f < 0 && f > -std::numeric_limits<float>::min()) {
        f = -0.0f;
    }
    return f;
}

int tableRows(std::size_t entries) {
    return static_cast<int>((entries + kTableWidth - 1) / kTableWidth);
}

// Output pixels that do not show the image are black, the letterbox: the shader decides only
// the pixels that show it (pixel::ViewSampling's [first, last] on both axes, exactly the CPU's),
// so the rest is cleared at once and a scissor keeps the shader to the image. This is also what
// a software rasteriser wants: it pays per fragment, and a 4096x5120 image fitted to a square
// viewport leaves a fifth of it.
class LetterboxClear {
public:
    // The output pixels that show the image: the view rectangle [first, last] of both axes of
    // the sampling (the CPU's own, exactly), turned onto the output by the orientation.
    LetterboxClear(const pixel::ViewSampling& s, const pixel::Orientation& orientation, int width,
                   int height) {
        if (s.empty()) {
            restrict(0, 0, 0, 0, width, height);  // nothing of the image shows
            return;
        }
        double ax = 0, ay = 0, bx = 0, by = 0;
        pixel::viewToOutput(orientation, width, height, s.x.first, s.y.first, ax, ay);
        pixel::viewToOutput(orientation, width, height, s.x.last + 1, s.y.last + 1, bx, by);
        const int x0 = static_cast<int>(std::lround(std::min(ax, bx)));
        const int x1 = static_cast<int>(std::lround(std::max(ax, bx)));
        const int y0 = static_cast<int>(std::lround(std::min(ay, by)));
        const int y1 = static_cast<int>(std::lround(std::max(ay, by)));
        restrict(x0, y0, x1, y1, width, height);
    }
    // Only output columns [x0, x1) and rows [y0, y1) (top row 0) are shaded, the rest cleared.
    LetterboxClear(const std::array<int, 4>& cover, int width, int height) {
        restrict(cover[0], cover[1], cover[2], cover[3], width, height);
    }
    void restrict(int x0, int y0, int x1, int y1, int width, int height) {
        if (x0 <= 0 && y0 <= 0 && x1 >= width && y1 >= height) {
            return;  // the image covers the output: shade it all
        }
        GLfloat clear[4] = {0, 0, 0, 0};
        glGetFloatv(GL_COLOR_CLEAR_VALUE, clear);
        wasEnabled_ = glIsEnabled(GL_SCISSOR_TEST) == GL_TRUE;
        glGetIntegerv(GL_SCISSOR_BOX, box_);
        glDisable(GL_SCISSOR_TEST);
        glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        glClearColor(clear[0], clear[1], clear[2], clear[3]);
        glEnable(GL_SCISSOR_TEST);
        // GL counts rows from the bottom; output rows from the top.
        x0 = std::clamp(x0, 0, width);
        x1 = std::clamp(x1, x0, width);
        y0 = std::clamp(y0, 0, height);
        y1 = std::clamp(y1, y0, height);
        glScissor(x0, height - y1, x1 - x0, y1 - y0);
        active_ = true;
    }
    ~LetterboxClear() {
        if (active_) {
            glScissor(box_[0], box_[1], box_[2], box_[3]);
            if (!wasEnabled_) {
                glDisable(GL_SCISSOR_TEST);
            }
        }
    }
    LetterboxClear(const LetterboxClear&) = delete;
    LetterboxClear& operator=(const LetterboxClear&) = delete;

private:
    bool active_ = false;
    bool wasEnabled_ = false;
    GLint box_[4] = {0, 0, 0, 0};
};

}  // namespace

// Page-aligned anonymous memory (mmap): pages cost nothing until written, and the whole mapping
// goes back to the system when the last holder (an image or a PixelBuffer view) lets go.
class HostMemory {
public:
    explicit HostMemory(std::size_t bytes) : bytes_(std::max<std::size_t>(bytes, 1)) {
        void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            throw Error("not enough memory for " + std::to_string(bytes_ >> 20) + " MB of images");
        }
        data_ = static_cast<std::uint8_t*>(p);
    }
    ~HostMemory() { munmap(data_, bytes_); }
    HostMemory(const HostMemory&) = delete;
    HostMemory& operator=(const HostMemory&) = delete;
    std::uint8_t* data() const { return data_; }

private:
    std::size_t bytes_;
    std::uint8_t* data_ = nullptr;
};

GpuImage::~GpuImage() {
    if (!buffers_.empty()) {
        glFinish();  // a queued draw may still read the memory, which can go once this returns
        glDeleteBuffers(static_cast<GLsizei>(buffers_.size()), buffers_.data());
    }
    for (const Tile& t : tiles_) {
        for (GLuint texture : t.textures) {
            if (texture != 0) {
                glDeleteTextures(1, &texture);
            }
        }
    }
}

Renderer::Renderer(Limits limits, const std::optional<std::filesystem::path>& programCache)
    : limits_(limits) {
    GLint maxSize = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &maxSize);
    maxTextureSize_ =
        limits_.maxTextureSize > 0 ? std::min<int>(limits_.maxTextureSize, maxSize) : maxSize;
    // Shared memory only where the "GPU" is the CPU: a real GPU would sample host memory across
    // the bus at every draw.
    const auto* name = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    const bool software = name != nullptr && std::strstr(name, "llvmpipe") != nullptr;
    sharedMemory_ =
        GLAD_GL_AMD_pinned_memory != 0 && (limits_.storage == Storage::SharedMemory ||
                                           (limits_.storage == Storage::Automatic && software));
    GLint maxBuffer = 0;
    glGetIntegerv(GL_MAX_TEXTURE_BUFFER_SIZE, &maxBuffer);
    maxBufferTexels_ = limits_.maxBufferTexels > 0
                           ? std::min<std::int64_t>(limits_.maxBufferTexels, maxBuffer)
                           : maxBuffer;
    // A plane draw binds every chunk of layers at once, each on a texture unit of its own: after
    // the pipeline's tables (units 0-6) and the scratch unit 15, from unit 16 where there are 32.
    GLint units = 16;
    glGetIntegerv(GL_MAX_TEXTURE_IMAGE_UNITS, &units);
    if (units >= 32) {
        chunkUnit_ = 16;
        planeChunks_ = std::min(16, units - 16);
    } else {
        chunkUnit_ = 7;
        planeChunks_ = std::max(1, std::min(8, units - 8));
    }
    glGenVertexArrays(1, &vao_);
    programCache_ = std::make_unique<ProgramCache>(programCache ? *programCache
                                                                : ProgramCache::defaultDirectory());
}

Renderer::~Renderer() {
    for (auto& [key, table] : tables_) {
        glDeleteTextures(1, &table.texture);
    }
    for (auto& [name, texture] : colormaps_) {
        glDeleteTextures(1, &texture);
    }
    for (auto& pair : ybr_) {
        glDeleteTextures(2, pair);
    }
    glDeleteVertexArrays(1, &vao_);
}

GLuint Renderer::makeTexture(GLenum internalFormat, GLenum format, GLenum type, int width,
                             int height, const void* data, std::size_t bytes) {
    GLuint texture = 0;
    useScratchUnit();
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    setNearest(GL_TEXTURE_2D);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, static_cast<GLint>(internalFormat), width, height, 0, format,
                 type, data);
    uploaded_ += bytes;
    return texture;
}

std::unique_ptr<GpuImage> Renderer::upload(const model::PixelBuffer& buffer, int layers) {
    auto image = allocate(buffer.width(), buffer.height(), buffer.samples(), buffer.type(),
                          std::max(layers, buffer.frames()));
    for (int frame = 0; frame < buffer.frames(); ++frame) {
        uploadLayer(*image, frame, buffer, frame);
    }
    return image;
}

std::unique_ptr<GpuImage> Renderer::allocate(int width, int height, int samples,
                                             model::SampleType type, int layers, int maxChunks) {
    std::unique_ptr<GpuImage> image(new GpuImage);
    image->width_ = width;
    image->height_ = height;
    image->layers_ = layers;
    image->samples_ = samples;
    image->type_ = type;
    const TextureFormat f = formatFor(type, samples);
    image->internalFormat_ = f.internal;
    image->format_ = f.format;
    image->pixelType_ = f.type;
    const std::int64_t layerTexels = static_cast<std::int64_t>(width) * height;
    if (sharesMemory(samples) && layerTexels > 0 && layerTexels <= maxBufferTexels_) {
        if (allocateShared(*image)) {
            return image;
        }
        sharedMemory_ = false;  // the driver refused it: textures from now on
    }
    GLint maxLayers = 0;
    glGetIntegerv(GL_MAX_ARRAY_TEXTURE_LAYERS, &maxLayers);
    const std::uint64_t layerBytes = static_cast<std::uint64_t>(width) * height *
                                     static_cast<std::uint64_t>(samples) * model::sampleBytes(type);
    const std::uint64_t chunkBytes = limits_.chunkBytes > 0 ? limits_.chunkBytes : 32ull << 20;
    std::uint64_t chunkLayers = chunkBytes / std::max<std::uint64_t>(1, layerBytes);
    if (maxChunks > 0) {
        // Few enough chunks for a plane draw to bind them all (allocated lazily all the same).
        chunkLayers = std::max<std::uint64_t>(
            chunkLayers, (static_cast<std::uint64_t>(std::max(1, layers)) + maxChunks - 1) /
                             static_cast<std::uint64_t>(maxChunks));
    }
    image->chunkLayers_ = static_cast<int>(std::clamp<std::uint64_t>(
        chunkLayers, 1,
        static_cast<std::uint64_t>(std::min(std::max(1, layers), std::max(1, maxLayers)))));
    const int chunks = (layers + image->chunkLayers_ - 1) / image->chunkLayers_;
    // Tiles own [x, x + width) and hold one more pixel on each side for bilinear sampling.
    const int step = std::max(1, maxTextureSize_ - 2);
    for (int y = 0; y < height; y += step) {
        for (int x = 0; x < width; x += step) {
            GpuImage::Tile tile;
            tile.x = std::max(0, x - 1);
            tile.y = std::max(0, y - 1);
            tile.width = std::min(width, x + step + 1) - tile.x;
            tile.height = std::min(height, y + step + 1) - tile.y;
            tile.textures.assign(static_cast<std::size_t>(chunks), 0);
            image->tiles_.push_back(std::move(tile));
        }
    }
    return image;
}

bool Renderer::allocateShared(GpuImage& image) {
    const std::int64_t layerTexels = static_cast<std::int64_t>(image.width_) * image.height_;
    const int layers = std::max(1, image.layers_);
    image.chunkLayers_ =
        static_cast<int>(std::clamp<std::int64_t>(maxBufferTexels_ / layerTexels, 1, layers));
    const int chunks = (layers + image.chunkLayers_ - 1) / image.chunkLayers_;
    GpuImage::Tile whole;
    whole.width = image.width_;
    whole.height = image.height_;
    const std::size_t layerBytes =
        static_cast<std::size_t>(layerTexels) * model::sampleBytes(image.type_);
    while (glGetError() != GL_NO_ERROR) {
        // earlier errors are not this allocation's
    }
    bool ok = true;
    for (int chunk = 0; chunk < chunks && ok; ++chunk) {
        const int chunkLayers = std::min(image.chunkLayers_, layers - chunk * image.chunkLayers_);
        const std::size_t bytes = layerBytes * static_cast<std::size_t>(chunkLayers);
        image.memory_.push_back(std::make_shared<HostMemory>(bytes));
        GLuint buffer = 0;
        glGenBuffers(1, &buffer);
        image.buffers_.push_back(buffer);
        // The buffer is the memory itself (AMD_pinned_memory): nothing is copied, now or later.
        glBindBuffer(GL_EXTERNAL_VIRTUAL_MEMORY_BUFFER_AMD, buffer);
        glBufferData(GL_EXTERNAL_VIRTUAL_MEMORY_BUFFER_AMD, static_cast<GLsizeiptr>(bytes),
                     image.memory_.back()->data(), GL_STREAM_DRAW);
        glBindBuffer(GL_EXTERNAL_VIRTUAL_MEMORY_BUFFER_AMD, 0);
        ok = glGetError() == GL_NO_ERROR;
        GLuint texture = 0;
        useScratchUnit();
        glGenTextures(1, &texture);
        whole.textures.push_back(texture);
        glBindTexture(GL_TEXTURE_BUFFER, texture);
        glTexBuffer(GL_TEXTURE_BUFFER, image.internalFormat_, buffer);
        ok = ok && glGetError() == GL_NO_ERROR;
    }
    if (!ok) {
        glDeleteTextures(static_cast<GLsizei>(whole.textures.size()), whole.textures.data());
        glDeleteBuffers(static_cast<GLsizei>(image.buffers_.size()), image.buffers_.data());
        image.buffers_.clear();
        image.memory_.clear();
        return false;
    }
    image.tiles_.push_back(std::move(whole));
    return true;
}

model::PixelBuffer Renderer::layerMemory(GpuImage& image, int layer, int count) {
    if (!image.sharedMemory() || count < 1 || layer < 0 || layer + count > image.layers_ ||
        layer / image.chunkLayers_ != (layer + count - 1) / image.chunkLayers_) {
        return {};
    }
    return model::PixelBuffer::view(
        image.type_, image.width_, image.height_, 1, count, false, layerAddress(image, layer),
        image.memory_[static_cast<std::size_t>(layer / image.chunkLayers_)]);
}

std::uint8_t* Renderer::layerAddress(const GpuImage& image, int layer) {
    const std::size_t layerBytes =
        static_cast<std::size_t>(image.width_) * image.height_ * model::sampleBytes(image.type_);
    return image.memory_[static_cast<std::size_t>(layer / image.chunkLayers_)]->data() +
           layerBytes * static_cast<std::size_t>(layer % image.chunkLayers_);
}

GLuint Renderer::chunkTexture(GpuImage& image, GpuImage::Tile& tile, int chunk) {
    GLuint& texture = tile.textures[static_cast<std::size_t>(chunk)];
    if (texture == 0) {
        const int layers = std::min(image.chunkLayers_, image.layers_ - chunk * image.chunkLayers_);
        useScratchUnit();
        glGenTextures(1, &texture);
        glBindTexture(GL_TEXTURE_2D_ARRAY, texture);
        setNearest(GL_TEXTURE_2D_ARRAY);
        glTexImage3D(GL_TEXTURE_2D_ARRAY, 0, static_cast<GLint>(image.internalFormat_), tile.width,
                     tile.height, layers, 0, image.format_, image.pixelType_, nullptr);
        if (glGetError() == GL_OUT_OF_MEMORY) {
            glDeleteTextures(1, &texture);
            texture = 0;
            throw Error("not enough GPU memory for " + std::to_string(layers) + " more images of " +
                        std::to_string(image.width_) + "x" + std::to_string(image.height_));
        }
    }
    return texture;
}

bool Renderer::reserveChunkOf(GpuImage& image, int layer) {
    if (image.sharedMemory()) {
        return false;  // allocated with the image; its pages cost nothing until written
    }
    const int chunk = std::clamp(layer, 0, std::max(0, image.layers_ - 1)) / image.chunkLayers_;
    bool allocated = false;
    for (GpuImage::Tile& tile : image.tiles_) {
        if (tile.textures[static_cast<std::size_t>(chunk)] == 0) {
            chunkTexture(image, tile, chunk);
            allocated = true;
        }
    }
    return allocated;
}

void Renderer::uploadLayer(GpuImage& image, int layer, const model::PixelBuffer& buffer,
                           int bufferFrame) {
    if (buffer.width() != image.width_ || buffer.height() != image.height_ ||
        buffer.samples() != image.samples_ || buffer.type() != image.type_ || layer < 0 ||
        layer >= image.layers_) {
        throw Error("frame does not fit the GPU image it is uploaded to");
    }
    if (image.sharedMemory()) {
        std::uint8_t* target = layerAddress(image, layer);
        const std::uint8_t* source = buffer.frameBytes(bufferFrame);
        if (source != target) {  // else decoded in place
            glFinish();          // a queued draw may still read this layer
            std::memcpy(target, source, buffer.frameByteCount());
            uploaded_ += buffer.frameByteCount();
        }
        return;
    }
    const TextureFormat f = formatFor(buffer.type(), buffer.samples());
    const std::size_t sampleSize = model::sampleBytes(buffer.type());
    const std::uint8_t* data = buffer.frameBytes(bufferFrame);
    std::vector<std::uint8_t> interleaved;
    if (buffer.planar() && buffer.samples() > 1) {  // textures take R G B R G B ...
        interleaved.resize(buffer.frameByteCount());
        const std::size_t pixels = static_cast<std::size_t>(buffer.width()) * buffer.height();
        for (std::size_t i = 0; i < pixels; ++i) {
            for (int s = 0; s < buffer.samples(); ++s) {
                std::memcpy(&interleaved[(i * buffer.samples() + s) * sampleSize],
                            data + (s * pixels + i) * sampleSize, sampleSize);
            }
        }
        data = interleaved.data();
    }
    useScratchUnit();
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, buffer.width());
    const int chunk = layer / image.chunkLayers_;
    for (GpuImage::Tile& tile : image.tiles_) {
        const GLuint texture = chunkTexture(image, tile, chunk);
        glPixelStorei(GL_UNPACK_SKIP_PIXELS, tile.x);
        glPixelStorei(GL_UNPACK_SKIP_ROWS, tile.y);
        glBindTexture(GL_TEXTURE_2D_ARRAY, texture);
        glTexSubImage3D(GL_TEXTURE_2D_ARRAY, 0, 0, 0, layer % image.chunkLayers_, tile.width,
                        tile.height, 1, f.format, f.type, data);
        uploaded_ +=
            static_cast<std::uint64_t>(tile.width) * tile.height * buffer.samples() * sampleSize;
    }
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
}

GLuint Renderer::lutTexture(const model::LutPtr& lut) {
    auto it = tables_.find(lut.get());
    if (it != tables_.end()) {
        return it->second.texture;
    }
    std::vector<std::uint16_t> padded(lut->entries);
    padded.resize(static_cast<std::size_t>(tableRows(padded.size())) * kTableWidth, padded.back());
    const GLuint texture = makeTexture(GL_R16UI, GL_RED_INTEGER, GL_UNSIGNED_SHORT, kTableWidth,
                                       tableRows(padded.size()), padded.data(), padded.size() * 2);
    tables_[lut.get()] = Table{texture, lut};
    return texture;
}

GLuint Renderer::paletteTexture(const std::shared_ptr<const model::Palette>& palette) {
    auto it = tables_.find(palette.get());
    if (it != tables_.end()) {
        return it->second.texture;
    }
    const model::Lut* channels[3] = {&palette->red, &palette->green, &palette->blue};
    std::size_t count = 0;
    for (const model::Lut* c : channels) {
        count = std::max(count, c->entries.size());
    }
    const int rows = tableRows(count);
    std::vector<std::uint16_t> rgba(static_cast<std::size_t>(rows) * kTableWidth * 4, 0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(rows) * kTableWidth; ++i) {
        for (int c = 0; c < 3; ++c) {
            // Indexed from the red table's first mapped value, as pixel::paletteLookup is per
            // table.
            const auto input = static_cast<std::int64_t>(i) + palette->red.firstMapped;
            rgba[i * 4 + static_cast<std::size_t>(c)] = pixel::lookup(*channels[c], input);
        }
    }
    const GLuint texture = makeTexture(GL_RGBA16UI, GL_RGBA_INTEGER, GL_UNSIGNED_SHORT, kTableWidth,
                                       rows, rgba.data(), rgba.size() * 2);
    tables_[palette.get()] = Table{texture, palette};
    return texture;
}

GLuint Renderer::colormapTexture(const std::string& name) {
    auto it = colormaps_.find(name);
    if (it != colormaps_.end()) {
        return it->second;
    }
    const pixel::Colormap* map = pixel::findColormap(name);
    if (map == nullptr) {
        throw Error("unknown colormap '" + name + "'");
    }
    std::vector<std::uint8_t> rgba(256 * 4, 255);
    for (std::size_t i = 0; i < 256; ++i) {
        std::copy(map->table[i].begin(), map->table[i].end(),
                  rgba.begin() + static_cast<long>(i * 4));
    }
    const GLuint texture = makeTexture(GL_RGBA8UI, GL_RGBA_INTEGER, GL_UNSIGNED_BYTE, 256, 1,
                                       rgba.data(), rgba.size());
    colormaps_[name] = texture;
    return texture;
}

void Renderer::ybrTextures(bool truncateTerms, GLuint& redBlue, GLuint& green) {
    GLuint* pair = ybr_[truncateTerms ? 1 : 0];
    if (pair[0] == 0) {
        const pixel::YbrTerms& terms = pixel::ybrTerms(truncateTerms);
        std::vector<std::int16_t> rb(256 * 2);
        for (std::size_t i = 0; i < 256; ++i) {
            rb[i * 2] = terms.red[i];
            rb[i * 2 + 1] = terms.blue[i];
        }
        // green[cb * 256 + cr]: row cb, column cr.
        pair[0] = makeTexture(GL_RG16I, GL_RG_INTEGER, GL_SHORT, 256, 1, rb.data(), rb.size() * 2);
        pair[1] = makeTexture(GL_R16I, GL_RED_INTEGER, GL_SHORT, 256, 256, terms.green.data(),
                              terms.green.size() * 2);
    }
    redBlue = pair[0];
    green = pair[1];
}

Renderer::Variant Renderer::variantFor(const DrawRequest& r, model::SampleType type, int samples,
                                       bool tiled, bool buffer) {
    if (r.instance == nullptr) {
        throw Error("nothing to draw: no instance");
    }
    const model::Instance& in = *r.instance;
    Variant v;
    v.signedSamples = model::isSignedType(type);
    v.tiled = tiled;
    v.buffer = buffer;
    if (samples == 3) {
        const model::Photometric ph = in.decodedPhotometric;
        const bool ybr = ph == model::Photometric::YbrFull ||
                         ph == model::Photometric::YbrFull422 ||
                         ph == model::Photometric::YbrPartial422;
        v.colorMode = !ybr ? 1 : in.pixel.bitsStored == 8 ? 2 : 4;
    } else if (in.pixel.photometric == model::Photometric::PaletteColor) {
        v.colorMode = 3;
    } else {
        if (r.gray == nullptr) {
            throw Error("a greyscale image needs a pipeline to draw");
        }
        v.linear = r.linear;
        v.modalityLut = r.gray->modality.usesLut();
        v.voiLut = r.gray->voi.kind() == pixel::VoiTransform::Kind::Lut;
        v.sigmoid = r.gray->voi.kind() == pixel::VoiTransform::Kind::Window &&
                    r.gray->voi.function() == model::VoiFunction::Sigmoid;
        v.grayOutput = r.colormap == "gray";
    }
    return v;
}

GlProgram& Renderer::program(const Variant& v) {
    std::unique_ptr<GlProgram>& p = programs_[v.key()];
    if (!p) {
        const std::string header = "#version 330 core\n";
        std::string prefix = header;
        const char* sampler = v.buffer ? (v.signedSamples ? "isamplerBuffer" : "usamplerBuffer")
                                       : (v.signedSamples ? "isampler2DArray" : "usampler2DArray");
        prefix += std::string("#define STORED_SAMPLER ") + sampler + "\n";
        prefix += "#define BUFFER_STORAGE " + std::to_string(v.buffer ? 1 : 0) + "\n";
        prefix += "#define COLOR_MODE " + std::to_string(v.colorMode) + "\n";
        prefix += "#define LINEAR " + std::to_string(v.linear ? 1 : 0) + "\n";
        prefix += "#define MODALITY_LUT " + std::to_string(v.modalityLut ? 1 : 0) + "\n";
        prefix += "#define VOI_LUT " + std::to_string(v.voiLut ? 1 : 0) + "\n";
        prefix += "#define SIGMOID " + std::to_string(v.sigmoid ? 1 : 0) + "\n";
        prefix += "#define GRAY_OUTPUT " + std::to_string(v.grayOutput ? 1 : 0) + "\n";
        prefix += "#define TILED " + std::to_string(v.tiled ? 1 : 0) + "\n";
        prefix += "#define VOLUME " + std::to_string(v.volume ? 1 : 0) + "\n";
        prefix += "#define UNEVEN " + std::to_string(v.uneven ? 1 : 0) + "\n";
        prefix += "#define PROJECTION " + std::to_string(v.projection) + "\n";
        prefix += "#define CHUNKS " + std::to_string(v.chunks) + "\n";
        prefix += "#define DIRECT " + std::to_string(v.direct ? 1 : 0) + "\n";
        prefix += "#define COARSE " + std::to_string(v.coarse ? 1 : 0) + "\n";
        // Samplers in an array take constant indices only (GLSL 3.30): one test per chunk.
        std::string fetches;
        for (int k = 1; k < v.chunks; ++k) {
            fetches += " if (c == " + std::to_string(k) + ") return FETCH_CHUNK(" +
                       std::to_string(k) + ");";
        }
        prefix += "#define CHUNK_FETCHES" + fetches + "\n";
        p = programCache_->build(header + shaderSource("fullscreen.vert"),
                                 prefix + shaderSource("image.frag"));
    }
    return *p;
}

std::int64_t Renderer::readStored(const GpuImage& image, int layer, int x, int y) {
    if (image.samples_ != 1 || x < 0 || y < 0 || x >= image.width_ || y >= image.height_ ||
        layer < 0 || layer >= image.layers_) {
        throw Error("no stored value there to read back");
    }
    if (image.sharedMemory()) {
        const model::PixelBuffer memory =
            model::PixelBuffer::view(image.type_, image.width_, image.height_, 1, 1, false,
                                     layerAddress(image, layer), nullptr);
        return memory.at(0, x, y);
    }
    const int step = std::max(1, maxTextureSize_ - 2);
    const GpuImage::Tile* tile = nullptr;
    for (const GpuImage::Tile& t : image.tiles_) {
        const int ownX = t.x == 0 ? 0 : t.x + 1;
        const int ownY = t.y == 0 ? 0 : t.y + 1;
        if (x >= ownX && x < ownX + step && y >= ownY && y < ownY + step) {
            tile = &t;
            break;
        }
    }
    if (tile == nullptr) {
        throw Error("no stored value there to read back");
    }
    // Integer R formats are colour-renderable: attach the layer and read one texel exactly.
    GLuint fbo = 0;
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    const GLuint texture = tile->textures[static_cast<std::size_t>(layer / image.chunkLayers_)];
    if (texture == 0) {
        throw Error("that image is not on the GPU");
    }
    glFramebufferTextureLayer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, texture, 0,
                              layer % image.chunkLayers_);
    std::int64_t value = 0;
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE) {
        glReadBuffer(GL_COLOR_ATTACHMENT0);
        if (model::isSignedType(image.type_)) {
            GLint v = 0;
            glReadPixels(x - tile->x, y - tile->y, 1, 1, GL_RED_INTEGER, GL_INT, &v);
            value = v;
        } else {
            GLuint v = 0;
            glReadPixels(x - tile->x, y - tile->y, 1, 1, GL_RED_INTEGER, GL_UNSIGNED_INT, &v);
            value = v;
        }
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glDeleteFramebuffers(1, &fbo);
    return value;
}

model::PixelBuffer Renderer::readLayer(const GpuImage& image, int layer) {
    if (image.samples_ != 1 || layer < 0 || layer >= image.layers_) {
        throw Error("no greyscale layer to read back");
    }
    if (image.sharedMemory()) {
        const model::PixelBuffer memory =
            model::PixelBuffer::view(image.type_, image.width_, image.height_, 1, 1, false,
                                     layerAddress(image, layer), nullptr);
        return model::PixelBuffer(memory);  // a copy: the caller's own
    }
    model::PixelBuffer out(image.type_, image.width_, image.height_, 1, 1, false);
    const bool isSigned = model::isSignedType(image.type_);
    const int step = std::max(1, maxTextureSize_ - 2);
    GLuint fbo = 0;
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    std::vector<std::int32_t> row;
    for (const GpuImage::Tile& tile : image.tiles_) {
        const GLuint texture = tile.textures[static_cast<std::size_t>(layer / image.chunkLayers_)];
        if (texture == 0) {
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            glDeleteFramebuffers(1, &fbo);
            throw Error("that image is not on the GPU");
        }
        glFramebufferTextureLayer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, texture, 0,
                                  layer % image.chunkLayers_);
        glReadBuffer(GL_COLOR_ATTACHMENT0);
        const int ownX = tile.x == 0 ? 0 : tile.x + 1;
        const int ownY = tile.y == 0 ? 0 : tile.y + 1;
        const int ownW = std::min(step, image.width_ - ownX);
        const int ownH = std::min(step, image.height_ - ownY);
        row.resize(static_cast<std::size_t>(ownW) * ownH);
        glPixelStorei(GL_PACK_ALIGNMENT, 4);
        glReadPixels(ownX - tile.x, ownY - tile.y, ownW, ownH, GL_RED_INTEGER,
                     isSigned ? GL_INT : GL_UNSIGNED_INT, row.data());
        for (int y = 0; y < ownH; ++y) {
            for (int x = 0; x < ownW; ++x) {
                const std::int32_t v = row[static_cast<std::size_t>(y) * ownW + x];
                out.set(0, static_cast<std::size_t>(ownY + y) * image.width_ + ownX + x,
                        isSigned ? static_cast<std::int64_t>(v)
                                 : static_cast<std::int64_t>(static_cast<std::uint32_t>(v)));
            }
        }
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glDeleteFramebuffers(1, &fbo);
    return out;
}

void Renderer::prepare(const DrawRequest& request, model::SampleType type, int samples) {
    // One tile, the usual; the storage a 1x1 image of this kind gets.
    const Variant variant = variantFor(request, type, samples, false, sharesMemory(samples));
    if (warmed_.count(variant.key())) {
        return;
    }
    program(variant);
    GLint previous = 0;
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous);
    const std::uint64_t uploaded = uploaded_;
    {
        const model::PixelBuffer one(type, 1, 1, samples, 1, false);
        auto image = upload(one);
        Framebuffer target(1, 1);
        target.bind();
        DrawRequest warm = request;
        warm.layer = 0;
        warm.view = pixel::ViewMapping{};
        warm.outputWidth = 1;
        warm.outputHeight = 1;
        draw(*image, warm);
        glFinish();
    }
    uploaded_ = uploaded;  // a warm-up is not part of what the caller asked to show
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous));
    warmed_.insert(variant.key());
}

void Renderer::setGrayUniforms(GlProgram& prog, const Variant& variant,
                               const pixel::GrayPipeline& g, const std::string& colormap) {
    auto u = [&](const char* name) { return prog.uniform(name); };
    auto bindTexture = [&](int unit, GLenum target, GLuint texture, const char* sampler) {
        glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(unit));
        glBindTexture(target, texture);
        glUniform1i(u(sampler), unit);
    };
    const auto& mlut = g.modality.lut();
    if (mlut) {
        bindTexture(1, GL_TEXTURE_2D, lutTexture(mlut), "u_modalityTable");
        glUniform1i(u("u_modalityFirst"), mlut->firstMapped);
        glUniform1i(u("u_modalityCount"), static_cast<GLint>(mlut->entries.size()));
    } else {
        glUniform1f(u("u_slope"), static_cast<float>(g.modality.slope()));
        glUniform1f(u("u_intercept"), static_cast<float>(g.modality.intercept()));
    }
    if (!variant.grayOutput) {
        bindTexture(3, GL_TEXTURE_2D, colormapTexture(colormap), "u_colormap");
    }
    glUniform1i(u("u_invert"), g.invert ? 1 : 0);
    const pixel::VoiTransform& voi = g.voi;
    const pixel::VoiTransform::Parameters p = voi.parameters(g.invert);
    if (variant.voiLut) {
        bindTexture(2, GL_TEXTURE_2D, lutTexture(voi.lutTable()), "u_voiTable");
        glUniform1i(u("u_voiFirst"), voi.lutTable()->firstMapped);
        glUniform1i(u("u_voiCount"), static_cast<GLint>(voi.lutTable()->entries.size()));
        glUniform1f(u("u_gradient"), static_cast<float>(p.gradient));
        return;
    }
    const pixel::LevelThresholds t = pixel::levelThresholds(g);
    std::array<float, 256> at{};
    for (std::size_t k = 0; k < at.size(); ++k) {
        at[k] = thresholdAsFloat(t.at[k]);
    }
    glUniform1fv(u("u_thresholds"), 256, at.data());
    glUniform1i(u("u_falling"), t.falling ? 1 : 0);
    // The float estimate of the level that the thresholds correct.
    const bool none = voi.kind() == pixel::VoiTransform::Kind::None;
    // Values between a rounded border and the true one go through the estimate and
    // the thresholds, which decide exactly.
    glUniform1f(u("u_leftBorder"), none ? -3.0e38f : floatAtMost(p.leftBorder));
    glUniform1f(u("u_rightBorder"), none ? 3.0e38f : floatAtLeast(p.rightBorder));
    // The estimate: y = low + (m - origin) * gradient, the origin being the window's left
    // border (no VOI: the lowest value), where the level is `low`. The origin goes in two
    // floats so that m - origin keeps its precision for large values; a LINEAR window of
    // width 1 is a step there (PS3.3 C.11.2.1.2), an infinitely steep estimate.
    const double origin = none ? p.absMin : p.leftBorder;
    const float originHigh = static_cast<float>(origin);
    glUniform1f(u("u_estimateOrigin"), originHigh);
    glUniform1f(u("u_estimateOriginLow"), static_cast<float>(origin - originHigh));
    glUniform1f(u("u_estimateBase"), static_cast<float>(p.low));
    const bool step = !none && p.gradient == 0;
    glUniform1f(u("u_estimateGradient"),
                step ? (p.high > p.low ? 3.0e38f : -3.0e38f) : static_cast<float>(p.gradient));
    // The centre in two floats: m - high is exact near it, so a narrow sigmoid on large
    // values keeps its estimate within a level.
    const float centerHigh = static_cast<float>(voi.center());
    glUniform1f(u("u_center"), centerHigh);
    glUniform1f(u("u_centerLow"), static_cast<float>(voi.center() - centerHigh));
    glUniform1f(u("u_width"), static_cast<float>(voi.width()));
}

void Renderer::draw(const GpuImage& image, const DrawRequest& r) {
    const Variant variant =
        variantFor(r, image.type_, image.samples_, image.tiles_.size() > 1, image.sharedMemory());
    const model::Instance& in = *r.instance;
    GlProgram& prog = program(variant);
    glUseProgram(prog.id());
    glBindVertexArray(vao_);
    glViewport(0, 0, r.outputWidth, r.outputHeight);
    glDisable(GL_BLEND);
    glDisable(GL_DEPTH_TEST);

    auto u = [&](const char* name) { return prog.uniform(name); };
    auto bindTexture = [&](int unit, GLenum target, GLuint texture, const char* sampler) {
        glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(unit));
        glBindTexture(target, texture);
        glUniform1i(u(sampler), unit);
    };
    glUniform2i(u("u_imageSize"), image.width_, image.height_);
    if (r.layer < 0 || r.layer >= image.layers_) {
        throw Error("layer " + std::to_string(r.layer) + " does not exist");
    }
    const std::size_t chunk = static_cast<std::size_t>(r.layer / image.chunkLayers_);
    glUniform1i(u("u_layer"), r.layer % image.chunkLayers_);
    // The sampling in integers, the CPU's own (pixel/view_sampling.hpp), on the view's grid (the
    // output as the unturned image fills it).
    const pixel::ViewSampling sampling =
        pixel::viewSampling(r.view, image.width_, image.height_,
                            pixel::viewWidth(r.view.orientation, r.outputWidth, r.outputHeight),
                            pixel::viewHeight(r.view.orientation, r.outputWidth, r.outputHeight));
    const pixel::AxisSampling& sx = sampling.x;
    const pixel::AxisSampling& sy = sampling.y;
    glUniform2i(u("u_viewAnchor"), sx.anchor, sy.anchor);
    glUniform2i(u("u_viewBase"), sx.base, sy.base);
    glUniform2ui(u("u_viewStep"), sx.step, sy.step);
    glUniform2ui(u("u_viewStepFraction"), sx.stepFraction, sy.stepFraction);
    glUniform2i(u("u_viewFractionBits"), sx.fractionBits, sy.fractionBits);
    glUniform2i(u("u_viewHalf"), 1 << (sx.fractionBits - 1), 1 << (sy.fractionBits - 1));
    glUniform2i(u("u_viewMask"), (1 << sx.fractionBits) - 1, (1 << sy.fractionBits) - 1);
    glUniform2f(u("u_viewUnit"), std::ldexp(1.0f, -sx.fractionBits),
                std::ldexp(1.0f, -sy.fractionBits));
    glUniform1i(u("u_outputHeight"), r.outputHeight);
    const pixel::PixelTransform turn =
        pixel::pixelTransform(r.view.orientation, r.outputWidth, r.outputHeight);
    glUniform4i(u("u_turn"), turn.a00, turn.a01, turn.a10, turn.a11);
    glUniform2i(u("u_turnOffset"), turn.b0, turn.b1);

    switch (variant.colorMode) {
        case 0:
            setGrayUniforms(prog, variant, *r.gray, r.colormap);
            break;
        case 2: {
            GLuint redBlue = 0;
            GLuint green = 0;
            ybrTextures(in.decodedPhotometric == model::Photometric::YbrFull, redBlue, green);
            bindTexture(4, GL_TEXTURE_2D, redBlue, "u_ybrRedBlue");
            bindTexture(5, GL_TEXTURE_2D, green, "u_ybrGreen");
            break;
        }
        case 3: {
            if (!in.palette) {
                throw Error("PALETTE COLOR image without complete palette tables (0028,1101-1203)");
            }
            const model::Palette& pal = *in.palette;
            bindTexture(6, GL_TEXTURE_2D, paletteTexture(in.palette), "u_palette");
            glUniform3i(u("u_paletteBits"), pal.red.bits, pal.green.bits, pal.blue.bits);
            glUniform1i(u("u_paletteFirst"), pal.red.firstMapped);
            glUniform1i(
                u("u_paletteCount"),
                static_cast<GLint>(std::max(
                    {pal.red.entries.size(), pal.green.entries.size(), pal.blue.entries.size()})));
            break;
        }
        default:
            break;
    }
    glUniform1i(u("u_bits"), in.pixel.bitsStored);

    const LetterboxClear letterbox(sampling, r.view.orientation, r.outputWidth, r.outputHeight);
    const int step = std::max(1, maxTextureSize_ - 2);
    for (const GpuImage::Tile& tile : image.tiles_) {
        // The pixels this tile owns (without its one-pixel margin).
        const int ownX = tile.x == 0 ? 0 : tile.x + 1;
        const int ownY = tile.y == 0 ? 0 : tile.y + 1;
        const int ownW = std::min(step, image.width_ - ownX);
        const int ownH = std::min(step, image.height_ - ownY);
        glUniform4i(u("u_tile"), tile.x, tile.y, tile.width, tile.height);
        glUniform4i(u("u_owned"), ownX, ownY, ownW, ownH);
        if (tile.textures[chunk] == 0) {
            throw Error("image " + std::to_string(r.layer + 1) + " is not on the GPU yet");
        }
        bindTexture(0, image.sharedMemory() ? GL_TEXTURE_BUFFER : GL_TEXTURE_2D_ARRAY,
                    tile.textures[chunk], "u_stored");
        glDrawArrays(GL_TRIANGLES, 0, 3);
    }
    glActiveTexture(GL_TEXTURE0);
}

GpuVolume::~GpuVolume() {
    const GLuint textures[3] = {info, positions, buckets};
    for (GLuint t : textures) {
        if (t != 0) {
            glDeleteTextures(1, &t);
        }
    }
}

GLuint Renderer::tableTexture(GLenum internalFormat, GLenum format, const void* texels,
                              std::size_t count, std::size_t texelBytes) {
    // 256 texels a row, as the LUTs, so any length fits GL_MAX_TEXTURE_SIZE.
    const int rows = tableRows(std::max<std::size_t>(count, 1));
    std::vector<std::uint8_t> padded(static_cast<std::size_t>(rows) * kTableWidth * texelBytes, 0);
    std::memcpy(padded.data(), texels, count * texelBytes);
    return makeTexture(internalFormat, format, GL_INT, kTableWidth, rows, padded.data(),
                       padded.size());
}

std::string Renderer::volumeProblem(const GpuImage& image) const {
    if (image.samples_ != 1) {
        return "colour images are not reformatted";
    }
    if (image.tiles_.size() > 1) {
        return "slices wider or taller than the GPU's largest texture";
    }
    const int chunks = (image.layers_ + image.chunkLayers_ - 1) / image.chunkLayers_;
    if (chunks > planeChunks_) {
        return "the stack is held in " + std::to_string(chunks) + " parts, more than the " +
               std::to_string(planeChunks_) + " a plane can sample at once";
    }
    return "";
}

namespace {

std::array<std::int32_t, 4> sliceInfo(const GpuVolume::Slice& s) {
    // Rescale as floats, the way the 2D path's uniforms hold it, bit for bit in an integer.
    const float slope = static_cast<float>(s.slope);
    const float intercept = static_cast<float>(s.intercept);
    std::array<std::int32_t, 4> t{s.layer, 0, 0, 0};
    std::memcpy(&t[1], &slope, 4);
    std::memcpy(&t[2], &intercept, 4);
    return t;
}

}  // namespace

void GpuVolume::findDirect(const std::vector<Slice>& slices) {
    direct_ = !slices.empty() && slices.front().layer >= 0;
    if (!direct_) {
        return;
    }
    layer0_ = slices.front().layer;
    layerStep_ = slices.size() > 1 ? slices[1].layer - slices[0].layer : 1;
    slope_ = slices.front().slope;
    intercept_ = slices.front().intercept;
    for (std::size_t k = 0; k < slices.size() && direct_; ++k) {
        const Slice& s = slices[k];
        direct_ = s.layer == layer0_ + static_cast<int>(k) * layerStep_ &&
                  static_cast<float>(s.slope) == static_cast<float>(slope_) &&
                  static_cast<float>(s.intercept) == static_cast<float>(intercept_);
    }
}

std::unique_ptr<GpuVolume> Renderer::makeVolume(const GpuImage& image,
                                                const pixel::VolumeGrid& grid,
                                                const std::vector<GpuVolume::Slice>& slices) {
    const std::string problem = volumeProblem(image);
    if (!problem.empty()) {
        throw Error(problem);
    }
    if (grid.columns != image.width_ || grid.rows != image.height_ ||
        static_cast<int>(slices.size()) != grid.slices || grid.slices < 1) {
        throw Error("the volume's slices do not fit the images on the GPU");
    }
    std::unique_ptr<GpuVolume> v(new GpuVolume);
    v->grid_ = grid;
    for (const GpuVolume::Slice& s : slices) {
        if (s.layer >= image.layers_) {
            throw Error("a slice's layer does not exist");
        }
        v->info_.push_back(sliceInfo(s));
    }
    v->findDirect(slices);
    v->info = tableTexture(GL_RGBA32I, GL_RGBA_INTEGER, v->info_.data(), v->info_.size(), 16);
    if (grid.uneven) {
        std::vector<std::array<std::int32_t, 4>> positions;
        for (const auto& t : grid.table) {
            positions.push_back({t.position, t.column, t.row, 0});
        }
        v->positions =
            tableTexture(GL_RGBA32I, GL_RGBA_INTEGER, positions.data(), positions.size(), 16);
        v->buckets =
            tableTexture(GL_R32I, GL_RED_INTEGER, grid.buckets.data(), grid.buckets.size(), 4);
    }
    return v;
}

void Renderer::updateVolume(GpuVolume& volume, const std::vector<GpuVolume::Slice>& slices) {
    if (slices.size() != volume.info_.size()) {
        throw Error("the volume has " + std::to_string(volume.info_.size()) + " slices, " +
                    std::to_string(slices.size()) + " given");
    }
    volume.findDirect(slices);
    std::size_t first = slices.size();
    std::size_t last = 0;
    for (std::size_t k = 0; k < slices.size(); ++k) {
        const auto t = sliceInfo(slices[k]);
        if (t != volume.info_[k]) {
            volume.info_[k] = t;
            first = std::min(first, k);
            last = k;
        }
    }
    if (first > last) {
        return;
    }
    // The rows of the table that changed, from their first texel: a few hundred bytes.
    const int row0 = static_cast<int>(first / kTableWidth);
    const int row1 = static_cast<int>(last / kTableWidth);
    std::vector<std::array<std::int32_t, 4>> rows(
        static_cast<std::size_t>(row1 - row0 + 1) * kTableWidth, {0, 0, 0, 0});
    for (std::size_t k = static_cast<std::size_t>(row0) * kTableWidth;
         k < volume.info_.size() && k < static_cast<std::size_t>(row1 + 1) * kTableWidth; ++k) {
        rows[k - static_cast<std::size_t>(row0) * kTableWidth] = volume.info_[k];
    }
    useScratchUnit();
    glBindTexture(GL_TEXTURE_2D, volume.info);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, row0, kTableWidth, row1 - row0 + 1, GL_RGBA_INTEGER,
                    GL_INT, rows.data());
    uploaded_ += rows.size() * 16;
}

void Renderer::drawPlane(const GpuImage& image, const GpuVolume& volume,
                         const PlaneDrawRequest& r) {
    if (r.gray == nullptr || r.sampling == nullptr) {
        throw Error("a plane needs a pipeline and a sampling to draw");
    }
    const std::string problem = volumeProblem(image);
    if (!problem.empty()) {
        throw Error(problem);
    }
    const pixel::PlaneSampling& s = *r.sampling;
    const pixel::VolumeGrid& g = volume.grid_;
    if (g.columns != image.width_ || g.rows != image.height_) {
        throw Error("the volume's slices do not fit the images on the GPU");
    }
    if (s.width < 1 || s.height < 1 || s.samples < 1) {
        throw Error("nothing to draw: an empty plane");
    }
    Variant variant;
    variant.signedSamples = model::isSignedType(image.type_);
    variant.buffer = image.sharedMemory();
    variant.volume = true;
    variant.uneven = g.uneven;
    variant.projection = static_cast<int>(s.projection);
    variant.chunks = (image.layers_ + image.chunkLayers_ - 1) / image.chunkLayers_;
    variant.linear = r.linear;
    variant.modalityLut = r.gray->modality.usesLut();
    variant.voiLut = r.gray->voi.kind() == pixel::VoiTransform::Kind::Lut;
    variant.sigmoid = r.gray->voi.kind() == pixel::VoiTransform::Kind::Window &&
                      r.gray->voi.function() == model::VoiFunction::Sigmoid;
    variant.grayOutput = r.colormap == "gray";
    // Modality LUT volumes use the pipeline's table whatever their layers.
    variant.direct = volume.direct_ && !variant.modalityLut;
    // Where no coordinate of the view can leave the 16.16 range, the exact test alone decides.
    variant.coarse = pixel::needsCoarseTest(s);
    GlProgram& prog = program(variant);
    glUseProgram(prog.id());
    glBindVertexArray(vao_);
    glViewport(0, 0, s.width, s.height);
    glDisable(GL_BLEND);
    glDisable(GL_DEPTH_TEST);
    auto u = [&](const char* name) { return prog.uniform(name); };
    auto bindTexture = [&](int unit, GLenum target, GLuint texture, const char* sampler) {
        glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(unit));
        glBindTexture(target, texture);
        glUniform1i(u(sampler), unit);
    };
    setGrayUniforms(prog, variant, *r.gray, r.colormap);
    glUniform1i(u("u_outputHeight"), s.height);
    if (variant.direct) {
        glUniform1i(u("u_layer0"), volume.layer0_);
        glUniform1i(u("u_layerStep"), volume.layerStep_);
        // The slices' own rescale, as the table would give it (not the reference's).
        glUniform1f(u("u_slope"), static_cast<float>(volume.slope_));
        glUniform1f(u("u_intercept"), static_cast<float>(volume.intercept_));
    }
    glUniform3i(u("u_volumeSize"), g.columns, g.rows, g.slices);
    glUniform1i(u("u_chunkLayers"), image.chunkLayers_);
    bindTexture(4, GL_TEXTURE_2D, volume.info, "u_sliceInfo");
    if (g.uneven) {
        bindTexture(5, GL_TEXTURE_2D, volume.positions, "u_slicePos");
        bindTexture(6, GL_TEXTURE_2D, volume.buckets, "u_buckets");
        glUniform1i(u("u_bucketCount"), static_cast<GLint>(g.buckets.size()));
        glUniform2i(u("u_sliceRange"), g.sliceLow, g.sliceHigh);
    }
    const pixel::FixedLinear* axes[3] = {&s.column, &s.row, &s.slice};
    auto ints = [&](auto field) {
        return std::array<GLint, 3>{static_cast<GLint>(field(*axes[0])),
                                    static_cast<GLint>(field(*axes[1])),
                                    static_cast<GLint>(field(*axes[2]))};
    };
    auto uints = [&](auto field) {
        return std::array<GLuint, 3>{field(*axes[0]), field(*axes[1]), field(*axes[2])};
    };
    auto floats = [&](auto field) {
        return std::array<GLfloat, 3>{static_cast<GLfloat>(field(*axes[0])),
                                      static_cast<GLfloat>(field(*axes[1])),
                                      static_cast<GLfloat>(field(*axes[2]))};
    };
    using F = pixel::FixedLinear;
    // The base's bits as a signed int (uvec3(u_base) in the shader gives them back).
    glUniform3iv(u("u_base"), 1,
                 ints([](const F& f) { return static_cast<std::int32_t>(f.base); }).data());
    glUniform3iv(u("u_xHi"), 1, ints([](const F& f) { return f.xHi; }).data());
    glUniform3uiv(u("u_xLo"), 1, uints([](const F& f) { return f.xLo; }).data());
    glUniform3iv(u("u_yHi"), 1, ints([](const F& f) { return f.yHi; }).data());
    glUniform3uiv(u("u_yLo"), 1, uints([](const F& f) { return f.yLo; }).data());
    glUniform3iv(u("u_jHi"), 1, ints([](const F& f) { return f.jHi; }).data());
    glUniform3uiv(u("u_jLo"), 1, uints([](const F& f) { return f.jLo; }).data());
    glUniform3fv(u("u_baseF"), 1, floats([](const F& f) { return f.baseD; }).data());
    glUniform3fv(u("u_xF"), 1, floats([](const F& f) { return f.xD; }).data());
    glUniform3fv(u("u_yF"), 1, floats([](const F& f) { return f.yD; }).data());
    glUniform3fv(u("u_jF"), 1, floats([](const F& f) { return f.jD; }).data());
    const std::array<GLfloat, 3> low{static_cast<GLfloat>(g.coarseLow[0]),
                                     static_cast<GLfloat>(g.coarseLow[1]),
                                     static_cast<GLfloat>(g.coarseLow[2])};
    const std::array<GLfloat, 3> high{static_cast<GLfloat>(g.coarseHigh[0]),
                                      static_cast<GLfloat>(g.coarseHigh[1]),
                                      static_cast<GLfloat>(g.coarseHigh[2])};
    glUniform3fv(u("u_coarseLow"), 1, low.data());
    glUniform3fv(u("u_coarseHigh"), 1, high.data());
    glUniform1i(u("u_samples"), s.samples);
    // Pixels beyond the volume's outline on the screen are black: cleared, not shaded.
    const LetterboxClear outline(s.cover, s.width, s.height);
    const GpuImage::Tile& tile = image.tiles_.front();
    std::vector<GLint> units;
    for (int c = 0; c < variant.chunks; ++c) {
        glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(chunkUnit_ + c));
        // A chunk not allocated yet holds no loaded slice: the table never sends a fetch there.
        glBindTexture(image.sharedMemory() ? GL_TEXTURE_BUFFER : GL_TEXTURE_2D_ARRAY,
                      tile.textures[static_cast<std::size_t>(c)]);
        units.push_back(chunkUnit_ + c);
    }
    glUniform1iv(u("u_chunks"), variant.chunks, units.data());
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glActiveTexture(GL_TEXTURE0);
}

Framebuffer::Framebuffer(int width, int height) : width_(width), height_(height) {
    useScratchUnit();
    glGenTextures(1, &color_);
    glBindTexture(GL_TEXTURE_2D, color_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    // No mipmaps: the default minification filter would leave the texture incomplete (black)
    // when it is shown, e.g. as an ImGui image.
    setNearest(GL_TEXTURE_2D);
    glGenFramebuffers(1, &fbo_);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_, 0);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        throw Error("cannot create a " + std::to_string(width) + "x" + std::to_string(height) +
                    " framebuffer");
    }
}

Framebuffer::~Framebuffer() {
    glDeleteFramebuffers(1, &fbo_);
    glDeleteTextures(1, &color_);
}

void Framebuffer::bind() const {
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
}

pixel::Image Framebuffer::read(int channels, std::vector<std::uint8_t>* alpha) const {
    bind();
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width_) * height_ * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    pixel::Image out(width_, height_, channels);
    if (alpha) {
        alpha->assign(static_cast<std::size_t>(width_) * height_, 255);
    }
    for (int y = 0; y < height_; ++y) {
        const std::uint8_t* row =
            rgba.data() + static_cast<std::size_t>(height_ - 1 - y) * width_ * 4;
        for (int x = 0; x < width_; ++x) {
            std::copy_n(row + x * 4, channels, out.pixel(x, y));
            if (alpha) {
                (*alpha)[static_cast<std::size_t>(y) * width_ + x] = row[x * 4 + 3];
            }
        }
    }
    return out;
}

}  // namespace dcmlens::render
