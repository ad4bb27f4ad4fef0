#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace dcmlens::model {

// The type of one stored sample after masking to Bits Stored and sign extension (PS3.5 8.1.1).
// Chosen from Bits Stored and Pixel Representation, so 12-bit CT lives in 16 bits, never in float.
enum class SampleType : std::uint8_t { U8, I8, U16, I16, U32, I32 };

inline std::size_t sampleBytes(SampleType t) {
    switch (t) {
        case SampleType::U8:
        case SampleType::I8:
            return 1;
        case SampleType::U16:
        case SampleType::I16:
            return 2;
        case SampleType::U32:
        case SampleType::I32:
            return 4;
    }
    return 1;
}

inline bool isSignedType(SampleType t) {
    return t == SampleType::I8 || t == SampleType::I16 || t == SampleType::I32;
}

// Stored values of one or more frames, frames contiguous. Colour data keeps the layout it was
// decoded in: interleaved (R G B R G B ...) or planar (R... G... B...), Planar Configuration
// (0028,0006) 0 or 1.
//
// A buffer owns its bytes, or is a view of memory that someone else owns (view(): the memory a
// software GPU driver samples in place, which the decoder fills directly). Copies always own
// their bytes, so a copy never writes into, or outlives, another's memory (copy-assigning a view,
// even to itself, makes it an owned copy); moves keep views views.
class PixelBuffer {
public:
    PixelBuffer() = default;
    PixelBuffer(SampleType type, int width, int height, int samples, int frames, bool planar)
        : type_(type),
          width_(width),
          height_(height),
          samples_(samples),
          frames_(frames),
          planar_(planar),
          bytes_(static_cast<std::size_t>(width) * height * samples * frames * sampleBytes(type)) {}

    // A buffer over `memory` (at least width * height * samples * frames samples), kept alive by
    // `owner` for as long as the view exists.
    static PixelBuffer view(SampleType type, int width, int height, int samples, int frames,
                            bool planar, std::uint8_t* memory, std::shared_ptr<void> owner) {
        PixelBuffer b;
        b.type_ = type;
        b.width_ = width;
        b.height_ = height;
        b.samples_ = samples;
        b.frames_ = frames;
        b.planar_ = planar;
        b.view_ = memory;
        b.viewBytes_ =
            static_cast<std::size_t>(width) * height * samples * frames * sampleBytes(type);
        b.viewOwner_ = std::move(owner);
        return b;
    }
    bool isView() const { return view_ != nullptr; }

    PixelBuffer(const PixelBuffer& other)
        : type_(other.type_),
          width_(other.width_),
          height_(other.height_),
          samples_(other.samples_),
          frames_(other.frames_),
          planar_(other.planar_),
          bytes_(other.data(), other.data() + other.byteCount()) {}
    PixelBuffer(PixelBuffer&& other) noexcept { swap(other); }
    PixelBuffer& operator=(PixelBuffer other) noexcept {
        swap(other);
        return *this;
    }
    ~PixelBuffer() = default;
    void swap(PixelBuffer& other) noexcept {
        std::swap(type_, other.type_);
        std::swap(width_, other.width_);
        std::swap(height_, other.height_);
        std::swap(samples_, other.samples_);
        std::swap(frames_, other.frames_);
        std::swap(planar_, other.planar_);
        bytes_.swap(other.bytes_);
        std::swap(view_, other.view_);
        std::swap(viewBytes_, other.viewBytes_);
        viewOwner_.swap(other.viewOwner_);
    }

    SampleType type() const { return type_; }
    int width() const { return width_; }
    int height() const { return height_; }
    int samples() const { return samples_; }
    int frames() const { return frames_; }
    bool planar() const { return planar_; }
    bool empty() const { return byteCount() == 0; }

    std::size_t frameSampleCount() const {
        return static_cast<std::size_t>(width_) * height_ * samples_;
    }
    std::size_t frameByteCount() const { return frameSampleCount() * sampleBytes(type_); }
    std::size_t byteCount() const { return view_ != nullptr ? viewBytes_ : bytes_.size(); }

    std::uint8_t* frameBytes(int frame) { return data() + frame * frameByteCount(); }
    const std::uint8_t* frameBytes(int frame) const { return data() + frame * frameByteCount(); }

    // Index of sample s of pixel (x, y) inside a frame, honouring the planar layout.
    std::size_t sampleIndex(int x, int y, int s) const {
        const std::size_t pixel = static_cast<std::size_t>(y) * width_ + x;
        if (planar_) {
            return static_cast<std::size_t>(s) * width_ * height_ + pixel;
        }
        return pixel * samples_ + s;
    }

    // The stored value at a flat sample index of a frame, widened to 64 bits.
    std::int64_t at(int frame, std::size_t index) const {
        const std::uint8_t* p = frameBytes(frame) + index * sampleBytes(type_);
        switch (type_) {
            case SampleType::U8:
                return *p;
            case SampleType::I8:
                return static_cast<std::int8_t>(*p);
            case SampleType::U16:
                return load<std::uint16_t>(p);
            case SampleType::I16:
                return load<std::int16_t>(p);
            case SampleType::U32:
                return load<std::uint32_t>(p);
            case SampleType::I32:
                return load<std::int32_t>(p);
        }
        return 0;
    }
    std::int64_t at(int frame, int x, int y, int s = 0) const {
        return at(frame, sampleIndex(x, y, s));
    }

    void set(int frame, std::size_t index, std::int64_t value) {
        std::uint8_t* p = frameBytes(frame) + index * sampleBytes(type_);
        switch (type_) {
            case SampleType::U8:
            case SampleType::I8:
                *p = static_cast<std::uint8_t>(value);
                break;
            case SampleType::U16:
            case SampleType::I16:
                store(p, static_cast<std::uint16_t>(value));
                break;
            case SampleType::U32:
            case SampleType::I32:
                store(p, static_cast<std::uint32_t>(value));
                break;
        }
    }

    // A single frame copied out as its own buffer.
    PixelBuffer frame(int index) const {
        PixelBuffer one(type_, width_, height_, samples_, 1, planar_);
        std::memcpy(one.bytes_.data(), frameBytes(index), frameByteCount());
        return one;
    }

private:
    std::uint8_t* data() { return view_ != nullptr ? view_ : bytes_.data(); }
    const std::uint8_t* data() const { return view_ != nullptr ? view_ : bytes_.data(); }
    template <class T>
    static T load(const std::uint8_t* p) {
        T v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    template <class T>
    static void store(std::uint8_t* p, T v) {
        std::memcpy(p, &v, sizeof v);
    }

    SampleType type_ = SampleType::U8;
    int width_ = 0;
    int height_ = 0;
    int samples_ = 1;
    int frames_ = 0;
    bool planar_ = false;
    std::vector<std::uint8_t> bytes_;
    std::uint8_t* view_ = nullptr;
    std::size_t viewBytes_ = 0;
    std::shared_ptr<void> viewOwner_;
};

// Smallest sample type that holds every value of a Bits Stored / Pixel Representation pair.
inline SampleType sampleTypeFor(int bitsStored, bool isSigned) {
    if (bitsStored <= 8) {
        return isSigned ? SampleType::I8 : SampleType::U8;
    }
    if (bitsStored <= 16) {
        return isSigned ? SampleType::I16 : SampleType::U16;
    }
    return isSigned ? SampleType::I32 : SampleType::U32;
}

}  // namespace dcmlens::model
