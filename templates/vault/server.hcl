# Vault-API server config rendered by egg (OpenBao or HashiCorp Vault: same syntax).
ui            = false
disable_mlock = true

storage "raft" {
  path    = "{{data_dir}}"
  node_id = "{{node_id}}"
}

listener "tcp" {
  address     = "0.0.0.0:8200"
  tls_disable = true
}

api_addr     = "http://{{host}}:8200"
cluster_addr = "http://{{host}}:8201"
