#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "dicom/dicom_file.hpp"
#include "series/series_builder.hpp"
#include "series/stack.hpp"

using namespace dcmlens;

namespace {

// A header of a 64x64 slice at distance `z` along the normal of `orientation`.
std::shared_ptr<const model::Instance> slice(const std::string& series, double z, int number,
                                             std::array<double, 6> orientation = {1, 0, 0, 0, 1, 0},
                                             int size = 64) {
    auto in = std::make_shared<model::Instance>();
    in->path = series + "/" + std::to_string(number);
    in->studyInstanceUid = "1.2.3";
    in->seriesInstanceUid = series;
    in->modalityCode = "CT";
    in->pixel.rows = in->pixel.columns = size;
    in->pixel.bitsStored = 12;
    in->geometry.orientation = orientation;
    const auto& o = orientation;
    const double n[3] = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5],
                         o[0] * o[4] - o[1] * o[3]};
    in->geometry.position = std::array<double, 3>{10 + n[0] * z, -20 + n[1] * z, 5 + n[2] * z};
    in->geometry.instanceNumber = number;
    in->geometry.frameOfReferenceUid = "9.9";
    return in;
}

std::vector<double> positionsAlong(const series::SeriesStack& s) {
    std::vector<double> z;
    for (const auto& i : s.instances) {
        const auto& o = *i->geometry.orientation;
        const double n[3] = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5],
                             o[0] * o[4] - o[1] * o[3]};
        const auto& p = *i->geometry.position;
        z.push_back(p[0] * n[0] + p[1] * n[1] + p[2] * n[2]);
    }
    return z;
}

}  // namespace

TEST(Series, ShuffledFilesSortByPositionNotNameOrNumber) {
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (int i = 0; i < 40; ++i) {
        headers.push_back(slice("A", i * 2.5, (i * 7) % 40 + 1));  // instance numbers scrambled
    }
    std::shuffle(headers.begin(), headers.end(), std::mt19937(4));
    const auto stacks = series::buildStacks(headers);
    ASSERT_EQ(stacks.size(), 1u);
    const auto z = positionsAlong(stacks[0]);
    EXPECT_TRUE(std::is_sorted(z.rbegin(), z.rend()));  // head first: decreasing along the normal
    EXPECT_NEAR(series::checkGeometry(stacks[0]).spacing, 2.5, 1e-9);
    EXPECT_TRUE(series::checkGeometry(stacks[0]).warnings.empty());
}

TEST(Series, ObliqueAndReversedStacksSortAlongTheirNormal) {
    const double c = std::sqrt(0.5);
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (int i = 0; i < 10; ++i) {
        headers.push_back(slice("OBL", -i * 3.0, i + 1, {c, c, 0, 0, 0, -1}));
    }
    std::reverse(headers.begin(), headers.end());
    const auto stacks = series::buildStacks(headers);
    ASSERT_EQ(stacks.size(), 1u);
    const auto z = positionsAlong(stacks[0]);
    EXPECT_TRUE(std::is_sorted(z.rbegin(), z.rend()));
    EXPECT_NEAR(series::checkGeometry(stacks[0]).spacing, 3.0, 1e-9);
}

TEST(Series, MixedSeriesSizesAndOrientationsSplitIntoStacks) {
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (int i = 0; i < 20; ++i) {
        headers.push_back(slice("AX", i, i + 1));
    }
    for (int i = 0; i < 5; ++i) {
        headers.push_back(
            slice("AX", i, 100 + i, {0, 1, 0, 0, 0, -1}));  // sagitals in the same series
        headers.push_back(
            slice("LOC", i, i + 1, {1, 0, 0, 0, 1, 0}, 32));  // another series, smaller
    }
    const auto stacks = series::buildStacks(headers);
    ASSERT_EQ(stacks.size(), 3u);
    EXPECT_EQ(stacks[0].instances.size(), 20u);  // largest first
    EXPECT_EQ(stacks[0].seriesUid, "AX");
    for (const auto& s : stacks) {
        for (const auto& i : s.instances) {
            EXPECT_EQ(i->pixel.columns, s.instances.front()->pixel.columns);
            EXPECT_EQ(*i->geometry.orientation, *s.instances.front()->geometry.orientation);
        }
    }
}

TEST(Series, GapsDuplicatesAndTiltAreReported) {
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (int i : {0, 1, 2, 3, 6, 7, 8}) {  // 4 and 5 missing
        headers.push_back(slice("G", i * 2.0, i + 1));
    }
    headers.push_back(slice("G", 8 * 2.0, 50));  // a duplicate of the last position
    auto stacks = series::buildStacks(headers);
    ASSERT_EQ(stacks.size(), 1u);
    const auto report = series::checkGeometry(stacks[0]);
    const auto has = [&](const std::string& word) {
        return std::any_of(report.warnings.begin(), report.warnings.end(),
                           [&](const std::string& w) { return w.find(word) != std::string::npos; });
    };
    EXPECT_TRUE(has("2 missing slices")) << ::testing::PrintToString(report.warnings);
    EXPECT_TRUE(has("duplicate"));

    // Gantry tilt: each slice steps 1 mm sideways per 2 mm along the normal.
    std::vector<std::shared_ptr<const model::Instance>> tilted;
    for (int i = 0; i < 10; ++i) {
        auto s = std::make_shared<model::Instance>(*slice("T", i * 2.0, i + 1));
        (*s->geometry.position)[1] += i * 1.0;
        tilted.push_back(s);
    }
    stacks = series::buildStacks(tilted);
    const auto tilt = series::checkGeometry(stacks[0]);
    EXPECT_TRUE(std::any_of(tilt.warnings.begin(), tilt.warnings.end(), [](const std::string& w) {
        return w.find("tilt") != std::string::npos;
    }));
}

TEST(Series, WithoutGeometryInstanceNumbersDecide) {
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (int n : {3, 1, 2}) {
        auto s = std::make_shared<model::Instance>(*slice("N", 0, n));
        s->geometry.position.reset();
        headers.push_back(s);
    }
    const auto stacks = series::buildStacks(headers);
    ASSERT_EQ(stacks.size(), 1u);
    EXPECT_EQ(*stacks[0].instances[0]->geometry.instanceNumber, 1);
    EXPECT_EQ(*stacks[0].instances[2]->geometry.instanceNumber, 3);
}

#include <thread>

#include "series/stack_loader.hpp"

TEST(StackLoader, DecodesTheFocusFirstAndHandsOverBeforeTheRest) {
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (int i = 0; i < 24; ++i) {
        auto h = std::make_shared<model::Instance>();
        h->path = std::string(DCMLENS_CORPUS) + "/CT_small.dcm";
        headers.push_back(h);
    }
    series::StackLoader loader(headers, 7, 1);  // one worker: a strict order
    std::vector<series::StackLoader::Ready> ready;
    for (int i = 0; i < 2000 && ready.empty(); ++i) {
        ready = loader.takeReady();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_FALSE(ready.empty());
    EXPECT_EQ(ready.front().index, 7u);                          // the image on screen first
    EXPECT_LT(loader.progress().done, loader.progress().total);  // shown before the last decodes
    EXPECT_EQ(ready.front().instance->stored.width(), 128);
    ASSERT_EQ(ready.front().stats.size(), 1u);
    EXPECT_FALSE(ready.front().stats[0].percentile.has_value());  // not before the first image
    // ... but right after it: the first image's 1-99 % window (its preset), and no other's.
    std::vector<series::StackLoader::LateStats> late;
    for (int i = 0; i < 2000 && late.empty(); ++i) {
        late = loader.takeLateStats();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late.front().index, 7u);
    ASSERT_EQ(late.front().stats.size(), 1u);
    EXPECT_TRUE(late.front().stats[0].percentile.has_value());
    EXPECT_EQ(late.front().stats[0].range.min, ready.front().stats[0].range.min);
    std::vector<std::size_t> order;
    for (const auto& r : ready) {
        order.push_back(r.index);
    }
    for (int i = 0; i < 5000 && !loader.progress().finished(); ++i) {
        for (const auto& r : loader.takeReady()) {
            order.push_back(r.index);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (const auto& r : loader.takeReady()) {
        order.push_back(r.index);
    }
    ASSERT_EQ(order.size(), 24u);
    // Nearest first: 7, then 6 and 8 (in either order), 5 and 9, ...
    for (std::size_t k = 1; k < order.size(); ++k) {
        const auto d = [](std::size_t i) { return i > 7 ? i - 7 : 7 - i; };
        EXPECT_LE(d(order[k - 1]), d(order[k]));
    }
}

// With destinations, the workers decode straight into them (the layers a software GPU samples
// in place); the values are those of a plain decode.
TEST(StackLoader, DecodesIntoTheGivenMemory) {
    const std::vector<std::string> names = {"MR_small.dcm", "MR_small_RLE.dcm",
                                            "MR_small_bigendian.dcm", "MR_small_padded.dcm"};
    std::vector<std::shared_ptr<const model::Instance>> headers;
    std::vector<std::vector<std::uint8_t>> memory(names.size(),
                                                  std::vector<std::uint8_t>(64 * 64 * 2));
    std::vector<model::PixelBuffer> destinations;
    for (std::size_t i = 0; i < names.size(); ++i) {
        headers.push_back(std::make_shared<model::Instance>(
            dicom::DicomFile(std::string(DCMLENS_CORPUS) + "/" + names[i]).instance()));
        destinations.push_back(model::PixelBuffer::view(model::SampleType::I16, 64, 64, 1, 1, false,
                                                        memory[i].data(), nullptr));
    }
    series::StackLoader loader(headers, 0, 2, std::move(destinations));
    std::vector<series::StackLoader::Ready> ready;
    for (int i = 0; i < 5000 && ready.size() < names.size(); ++i) {
        for (auto& r : loader.takeReady()) {
            ready.push_back(std::move(r));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(ready.size(), names.size());
    EXPECT_TRUE(loader.takeErrors().empty());
    for (const auto& r : ready) {
        const model::PixelBuffer& stored = r.instance->stored;
        EXPECT_TRUE(stored.isView()) << names[r.index];
        EXPECT_EQ(stored.frameBytes(0), memory[r.index].data()) << names[r.index];
        const model::Instance plain =
            dicom::loadInstance(std::string(DCMLENS_CORPUS) + "/" + names[r.index]);
        ASSERT_EQ(plain.stored.byteCount(), stored.byteCount());
        EXPECT_EQ(std::memcmp(plain.stored.frameBytes(0), stored.frameBytes(0), stored.byteCount()),
                  0)
            << names[r.index];
        ASSERT_EQ(r.stats.size(), 1u);
        EXPECT_LT(r.stats[0].range.min, r.stats[0].range.max);
    }
}

namespace {

std::vector<std::shared_ptr<const model::Instance>> sameFileHeaders(int n) {
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (int i = 0; i < n; ++i) {
        auto h = std::make_shared<model::Instance>();
        h->path = std::string(DCMLENS_CORPUS) + "/CT_small.dcm";
        headers.push_back(h);
    }
    return headers;
}

// The indices handed over from now on, until `count` arrived (or a few seconds passed).
std::vector<std::size_t> nextReady(series::StackLoader& loader, std::size_t count) {
    std::vector<std::size_t> order;
    for (int i = 0; i < 5000 && order.size() < count; ++i) {
        for (const auto& r : loader.takeReady()) {
            order.push_back(r.index);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return order;
}

}  // namespace

// The viewer calls focus() as the user scrolls (the defect: it never did, so a 1000-slice series
// loaded outwards from the first image shown while the user waited at the far end).
TEST(StackLoader, AScrollReprioritisesDecodingAroundTheNewFrame) {
    series::StackLoader loader(sameFileHeaders(60), 0, 1);
    ASSERT_FALSE(nextReady(loader, 1).empty());
    loader.focus(50);  // the user scrolled to image 51
    // Images decoded before the focus moved are near 0; from the move on, the new neighbourhood.
    std::vector<std::size_t> after;
    for (int round = 0; round < 20 && after.size() < 3; ++round) {
        for (std::size_t i : nextReady(loader, 1)) {
            if (i >= 10) {
                after.push_back(i);
            }
        }
    }
    ASSERT_GE(after.size(), 3u);
    EXPECT_EQ(after[0], 50u);  // the new neighbourhood first: 50, then 51 and 49
    EXPECT_EQ(after[1], 51u);
    EXPECT_EQ(after[2], 49u);
}

// Two viewports on one stack: both neighbourhoods load, the active viewport's first.
TEST(StackLoader, SeveralFocusesShareTheWorkersFirstOneFirst) {
    std::vector<char> none(60, 0);
    series::StackLoader loader(sameFileHeaders(60), 0, 1, {}, none);  // nothing wanted yet
    loader.focus(std::vector<std::size_t>{10, 40});
    EXPECT_TRUE(nextReady(loader, 1).empty());  // it waits for the owner to want something
    loader.setWanted(std::vector<char>(60, 1));
    EXPECT_EQ(nextReady(loader, 6), (std::vector<std::size_t>{10, 40, 11, 9, 41, 39}));
    // Wanted again after being handed over (a resident window that slid back): decoded again.
    std::vector<char> only(60, 0);
    only[3] = 1;
    for (int i = 0; i < 5000 && !loader.progress().finished(); ++i) {
        loader.takeReady();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    loader.takeReady();
    loader.setWanted(only);
    EXPECT_EQ(loader.progress().total, 1u);
    EXPECT_EQ(nextReady(loader, 1), (std::vector<std::size_t>{3}));
}
