# Estates Terraform must refuse, asserted the one way `terraform test` allows: the estate is
# read inside a check block (tests/refused) and the run expects that check to fail. Each
# refused run has an accepted twin that differs in the one value under test, so the failure
# is that value's and not a typo's.

run "a_firewall_on_the_release_of_panorama_is_accepted" {
  command = plan
  module {
    source = "./tests/refused"
  }
  variables {
    estate = {
      panorama  = { version = "10.2", nodes = { a = {} } }
      firewalls = { branches = { version = "10.2" } }
    }
  }
}

run "a_firewall_newer_than_panorama_is_refused" {
  command = plan
  module {
    source = "./tests/refused"
  }
  variables {
    estate = {
      panorama  = { version = "10.2", nodes = { a = {} } }
      firewalls = { branches = { version = "11.1" } }
    }
  }
  expect_failures = [check.estate]
}

run "wildfire_on_8_0_1_is_accepted" {
  command = plan
  module {
    source = "./tests/refused"
  }
  variables {
    estate = {
      panorama = { version = "10.2", nodes = { a = {} } }
      wildfire = { wf = { version = "8.0.1" } }
    }
  }
}

run "wildfire_before_8_0_1_is_refused" {
  command = plan
  module {
    source = "./tests/refused"
  }
  variables {
    estate = {
      panorama = { version = "10.2", nodes = { a = {} } }
      wildfire = { wf = { version = "8.0.0" } }
    }
  }
  expect_failures = [check.estate]
}
