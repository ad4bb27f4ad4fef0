#include "series/stack.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::series {

namespace {

// Distance of an instance's position along the normal of its orientation (PS3.3 C.7.6.2.1.1).
std::optional<double> positionAlongNormal(const model::Instance& in) {
    const auto& g = in.geometry;
    if (!g.position || !g.orientation) {
        return std::nullopt;
    }
    const auto& o = *g.orientation;
    const double n[3] = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5],
                         o[0] * o[4] - o[1] * o[3]};
    const auto& p = *g.position;
    return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
}

}  // namespace

void sortForDisplay(std::vector<std::shared_ptr<const model::Instance>>& instances) {
    const bool allPositioned = std::all_of(instances.begin(), instances.end(), [](const auto& i) {
        return positionAlongNormal(*i).has_value();
    });
    const bool allNumbered = std::all_of(instances.begin(), instances.end(), [](const auto& i) {
        return i->geometry.instanceNumber.has_value();
    });
    std::stable_sort(instances.begin(), instances.end(), [&](const auto& a, const auto& b) {
        if (allPositioned) {
            const double pa = *positionAlongNormal(*a);
            const double pb = *positionAlongNormal(*b);
            if (pa != pb) {
                return pa > pb;  // head first for axial stacks: larger z first
            }
        }
        if (allNumbered && *a->geometry.instanceNumber != *b->geometry.instanceNumber) {
            return *a->geometry.instanceNumber < *b->geometry.instanceNumber;
        }
        return a->path < b->path;
    });
}

SeriesStack demoStack(int slices, int size) {
    SeriesStack stack;
    std::mt19937 rng(2026);
    std::normal_distribution<double> noise(0, 10);
    for (int z = 0; z < slices; ++z) {
        model::Instance in;
        in.path = "demo:" + std::to_string(z + 1);
        in.modalityCode = "CT";
        in.patientName = "DEMO^PHANTOM";
        in.patientId = "DEMO";
        in.studyDescription = "Synthetic CT phantom";
        in.seriesDescription = "Axial 2 mm";
        in.sopClassName = "Demo CT phantom";
        in.seriesInstanceUid = "demo";
        in.pixel.rows = in.pixel.columns = size;
        in.pixel.bitsAllocated = in.pixel.bitsStored = 16;
        in.pixel.highBit = 15;
        in.pixel.isSigned = true;
        in.pixel.photometricText = "MONOCHROME2";
        in.modality.hasRescale = true;
        in.modality.intercept = -1024;
        in.modality.rescaleType = "HU";
        in.voi.windows = {{40, 400, "SOFT TISSUE"}, {-600, 1500, "LUNG"}, {400, 1800, "BONE"}};
        in.geometry.position = std::array<double, 3>{-150, -150, -z * 2.0};
        in.geometry.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
        in.geometry.pixelSpacing = std::array<double, 2>{300.0 / size, 300.0 / size};
        in.geometry.sliceThickness = 2.0;
        in.geometry.instanceNumber = z + 1;
        in.stored = model::PixelBuffer(model::SampleType::I16, size, size, 1, 1, false);
        const double t = static_cast<double>(z) / std::max(1, slices - 1);
        for (int y = 0; y < size; ++y) {
            for (int x = 0; x < size; ++x) {
                const double u = (x + 0.5) / size - 0.5;
                const double v = (y + 0.5) / size - 0.5;
                double hu = -1000;  // air
                if ((u / 0.45) * (u / 0.45) + (v / 0.35) * (v / 0.35) < 1) {
                    hu = 40;  // soft tissue
                    const double lung = 0.12 + 0.05 * std::sin(t * 3.14159);
                    if (((u - 0.2) / lung) * ((u - 0.2) / lung) + (v / 0.2) * (v / 0.2) < 1 ||
                        ((u + 0.2) / lung) * ((u + 0.2) / lung) + (v / 0.2) * (v / 0.2) < 1) {
                        hu = -850;
                    }
                    const double r = 0.05 + 0.03 * t;  // a bone whose size changes with z
                    if (u * u + (v + 0.2) * (v + 0.2) < r * r) {
                        hu = 900;
                    }
                    if ((u - 0.02 * std::cos(t * 6)) * (u - 0.02 * std::cos(t * 6)) + v * v <
                        0.004) {
                        hu = 200;  // a contrast-filled vessel that moves
                    }
                }
                in.stored.set(0, static_cast<std::size_t>(y) * size + x,
                              static_cast<std::int64_t>(std::lround(hu + noise(rng))) + 1024);
            }
        }
        stack.instances.push_back(std::make_shared<const model::Instance>(std::move(in)));
    }
    sortForDisplay(stack.instances);
    stack.studyUid = "demo";
    stack.seriesUid = "demo";
    stack.description = "Demo CT phantom, " + std::to_string(slices) + " images";
    return stack;
}

}  // namespace dcmlens::series
