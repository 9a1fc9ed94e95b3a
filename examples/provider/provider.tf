terraform {
  required_providers {
    panorama = {
      source = "flowmatrix/panorama"
    }
  }
}

# The provider takes no arguments; the block may also be left out.
provider "panorama" {}
