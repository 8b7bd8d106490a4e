{
  "targets": [
    {
      "target_name": "tbptt_native",
      "sources": ["src/addon.cc", "src/gemm.cc", "src/pointwise.cc", "src/columns.cc", "src/pool.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17"],
      "conditions": [
        ["OS=='linux'", {
          "cflags_cc": ["-march=native"],
          "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread"],
          "libraries": ["-lopenblas"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-mcpu=native"],
            "OTHER_LDFLAGS": ["-framework", "Accelerate"]
          }
        }]
      ]
    }
  ]
}
